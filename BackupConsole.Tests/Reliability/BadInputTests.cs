using BackupConsole.Core.Common;
using BackupConsole.Core.Data;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Core.Restores;
using BackupConsole.Core.StoragePools;
using BackupConsole.Tests.Plans;
using BackupConsole.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Tests.Reliability;

/// <summary>
/// #11's bad-input list, walked through the services every page and API endpoint calls: each value is refused with
/// a message on its field, and nothing is stored. (Oversized posts and API bodies of the wrong shape:
/// Browser/HttpHardeningTests and Api/ApiTokenTests.)
/// </summary>
[Trait(CoreTestHost.SuiteTrait, CoreTestHost.CoreSuite)]
public sealed class BadInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string Long = new('n', 4096);

    private static void Refused(OperationResult result, string field, string input)
    {
        Assert.False(result.Succeeded, $"{input} was accepted");
        Assert.True(result.Errors.Any(e => e.Field == field && e.Message.Length > 0), $"{input}: no message on {field} ({result.ErrorText})");
    }

    [Fact]
    public async Task Gateways_refuse_malformed_ips_and_cidrs_out_of_range_bandwidths_and_bad_names()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        var service = host.Get<GatewayService>();
        foreach (var ip in new[] { "999.1.1.1", "1.2.3", "10.0.0.0/8", "203.0.113.7/33", "1.2.3.4; rm -rf /", "$(reboot)", "fe80::1%eth0", "", Long })
            Refused(await service.CreateAsync(new GatewayInput("gw", ip, 100, null, []), Ct), "PublicIp", $"IP '{ip[..Math.Min(ip.Length, 20)]}'");
        foreach (var mbps in new[] { 0, -5, int.MaxValue })
            Refused(await service.CreateAsync(new GatewayInput("gw", "203.0.113.7", mbps, null, []), Ct), "BandwidthMbps", $"{mbps} Mbps");
        foreach (var name in new[] { "", "gw\0", Long })
            Refused(await service.CreateAsync(new GatewayInput(name, "203.0.113.7", 100, null, []), Ct), "Name", "a bad name");
        Assert.Empty(await service.ListAsync(Ct));
    }

    [Fact]
    public async Task Pools_refuse_link_local_and_metadata_endpoints_bad_buckets_and_names()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        var service = host.Get<StoragePoolService>();
        foreach (var endpoint in new[] { "http://169.254.169.254", "http://169.254.1.1:9000", "http://[fd00:ec2::254]", "http://[fe80::1]", "ftp://s3.example.com", "http://user:pw@s3.example.com", "s3.example.com", "" })
            Refused(await service.BindExternalAsync(new ExternalPoolInput("ext", null, endpoint, "AK", "SK", "bucket"), Ct), "Endpoint", endpoint);
        foreach (var bucket in new[] { "../etc", "a/b", "UPPER", "x", "192.168.1.1", "a..b", Long })
            Refused(await service.BindExternalAsync(new ExternalPoolInput("ext", null, "http://s3.example.com", "AK", "SK", bucket), Ct), "Bucket", bucket[..Math.Min(bucket.Length, 20)]);
        foreach (var name in new[] { "", "pool\0", Long })
            Refused(await service.BindPlatformAsync(new PlatformPoolInput(name), Ct), "Name", "a bad name");
        Assert.Empty(await service.ListAsync(Ct));
    }

    [Fact]
    public async Task Instances_refuse_hosts_with_shell_metacharacters_metadata_endpoints_and_relative_or_nul_paths()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        var service = host.Get<InstanceService>();
        foreach (var badHost in new[] { "db;rm -rf /", "$(reboot)", "`id`", "db host", "db|nc x 1", "../db", "", Long })
        {
            Refused(await service.CreateAsync(new InstanceInput("orders", InstanceKind.MySql, Host: badHost, Port: 3306, UserName: "u", Secret: "p"), Ct), "Host", badHost);
            Refused(await service.CreateAsync(new InstanceInput("cache", InstanceKind.Redis, Host: badHost, Port: 6379, Secret: "p"), Ct), "Host", badHost);
        }
        foreach (var metadata in new[] { "169.254.169.254", "fe80::1" })
            Refused(await service.CreateAsync(new InstanceInput("orders", InstanceKind.MySql, Host: metadata, Port: 3306, UserName: "u", Secret: "p"), Ct), "Host", metadata);
        foreach (var endpoint in new[] { "http://169.254.169.254", "http://[fd00:ec2::254]/", "file:///etc/passwd", "s3.example.com" })
            Refused(await service.CreateAsync(new InstanceInput("bucket", InstanceKind.ObjectStorage, Host: endpoint, UserName: "AK", Secret: "SK", Bucket: "data"), Ct), "Host", endpoint);
        foreach (var port in new[] { 0, 65536, -1 })
            Refused(await service.CreateAsync(new InstanceInput("orders", InstanceKind.MySql, Host: "db.example.com", Port: port, UserName: "u", Secret: "p"), Ct), "Port", $"port {port}");
        foreach (var path in new[] { "relative/dir", "../etc", "/srv/share\0/x", "" })
            Refused(await service.CreateAsync(new InstanceInput("files", InstanceKind.FileStorage, Path: path), Ct), "Path", path);
        Refused(await service.CreateAsync(new InstanceInput("orders", InstanceKind.MySql, Host: "db.example.com", Port: 3306, UserName: "u", Secret: "p", DataDirectory: "var/lib/mysql"), Ct), "DataDirectory", "a relative data directory");
        Assert.Empty(await service.ListAsync(ct: Ct));
    }

    [Fact]
    public async Task Plans_refuse_out_of_range_retentions_and_timers_that_never_fire()
    {
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var instance = await PlanTestKit.AddDirectoryAsync(host);
        var service = host.Get<PlanService>();
        foreach (var days in new[] { 0, -1, PlanService.MaxRetentionDays + 1 })
            Refused(await service.CreateAsync(PlanTestKit.Manual("p", instance, pool) with { RetentionDays = days }, Ct), "RetentionDays", $"{days} days");
        var never = new (PlanTimer Timer, string Field)[]
        {
            (new PlanTimer(RepeatCycle.Daily, [], [], "UTC"), "TimerTimes"),
            (new PlanTimer(RepeatCycle.Weekly, [], [new TimeOnly(2, 0)], "UTC"), "TimerDays"),
            (new PlanTimer(RepeatCycle.Weekly, [8], [new TimeOnly(2, 0)], "UTC"), "TimerDays"),
            (new PlanTimer(RepeatCycle.Monthly, [0, 32], [new TimeOnly(2, 0)], "UTC"), "TimerDays"),
            (new PlanTimer((RepeatCycle)99, [1], [new TimeOnly(2, 0)], "UTC"), "Timer"),
            (new PlanTimer(RepeatCycle.Daily, [], [new TimeOnly(2, 0, 30)], "UTC"), "TimerTimes"),
            (new PlanTimer(RepeatCycle.Daily, [], [new TimeOnly(2, 0)], "Mars/Olympus"), "TimeZone"),
        };
        foreach (var (timer, field) in never)
            Refused(await service.CreateAsync(PlanTestKit.Scheduled("p", instance, pool, timer), Ct), field, $"timer {timer.Cycle} {string.Join(",", timer.Days)}");
        foreach (var name in new[] { "", "plan\0", Long })
            Refused(await service.CreateAsync(PlanTestKit.Manual(name, instance, pool), Ct), "Name", "a bad name");
        Assert.Equal(0, (await service.ListAsync(new PlanQuery(), Ct)).Total);
    }

    [Fact]
    public async Task Restores_refuse_directories_with_dot_dot_nul_or_4_kb_names_and_leave_nothing()
    {
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var plan = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("files", await PlanTestKit.AddDirectoryAsync(host), pool));
        var backup = await PlanTestKit.RunAsync(host, plan);
        var root = host.Get<RestoreService>().DirectoryRoots[0];
        foreach (var directory in new[] { Path.Combine(root, "..", "escaped"), Path.Combine(root, "a\0b"), Path.Combine(root, Long), "relative/dir", "/etc" })
            Refused(await host.Get<RestoreService>().StartAsync(new RestoreRequest(backup, RestoreMode.Directory, Directory: directory), Ct), "Directory", directory[..Math.Min(directory.Length, 40)]);
        Assert.Empty(await host.Get<RestoreService>().ListAsync(ct: Ct));
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(root)!, "escaped")));
    }

    [Fact]
    public async Task An_operator_can_allow_link_local_addresses_for_pools_and_instances()
    {
        await using var host = await CoreTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Instances:AllowLinkLocalHosts"] = "true",
            ["StoragePools:AllowLinkLocalEndpoints"] = "true",
        });
        await host.CreateTenantWithUserAsync("acme");
        var instance = await host.Get<InstanceService>().CreateAsync(new InstanceInput("link", InstanceKind.MySql, Host: "169.254.10.10", Port: 3306, UserName: "u", Secret: "p"), Ct);
        var pool = await host.Get<StoragePoolService>().BindExternalAsync(new ExternalPoolInput("link", null, "http://169.254.10.10:9000", "AK", "SK", "bucket"), Ct);

        Assert.True(instance.Succeeded, instance.ErrorText);
        // The pool is still refused (it cannot be reached, or needs a gateway), but not for its address.
        Assert.DoesNotContain(pool.Errors, e => e.Message.Contains("链路本地", StringComparison.Ordinal));
    }
}
