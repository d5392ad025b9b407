using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Core.StoragePools;
using BackupConsole.Tests.Support;

namespace BackupConsole.Tests.Plans;

/// <summary>Shared set-up for plan tests: a tenant with a platform pool, instances and plans built from short inputs.</summary>
internal static class PlanTestKit
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<(CoreTestHost Host, string PoolId)> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var host = await CoreTestHost.StartAsync(settings);
        await host.CreateTenantWithUserAsync("acme");
        var pool = await host.Get<StoragePoolService>().BindPlatformAsync(new PlatformPoolInput("main", null, null), Ct);
        Assert.True(pool.Succeeded, pool.ErrorText);
        return (host, pool.Value!.Id);
    }

    public static async Task<string> AddInstanceAsync(CoreTestHost host, InstanceInput input)
    {
        var result = await host.Get<InstanceService>().CreateAsync(input, Ct);
        Assert.True(result.Succeeded, result.ErrorText);
        return result.Value!.Id;
    }

    /// <summary>A file-storage source: a directory with a few files, fast to back up.</summary>
    public static async Task<string> AddDirectoryAsync(CoreTestHost host, string name = "files")
    {
        var directory = Path.Combine(Path.GetTempPath(), "bc-plan-src-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "a.txt"), "alpha " + name, Ct);
        await File.WriteAllBytesAsync(Path.Combine(directory, "b.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(50_000), Ct);
        return await AddInstanceAsync(host, new InstanceInput(name, InstanceKind.FileStorage, Path: directory));
    }

    public static PlanInput Manual(string name, string instanceId, string poolId, InstanceKind kind = InstanceKind.FileStorage, string type = "snapshot") =>
        new(name, PlanStrategy.Manual, kind, instanceId, type, poolId, RetentionDays: 7);

    public static PlanInput Scheduled(string name, string instanceId, string poolId, PlanTimer? timer = null, InstanceKind kind = InstanceKind.FileStorage, string type = "snapshot") =>
        new(name, PlanStrategy.Scheduled, kind, instanceId, type, poolId, RetentionDays: 7,
            Timer: timer ?? PlanTimer.Daily("Asia/Shanghai", new TimeOnly(2, 0)));

    public static async Task<string> AddPlanAsync(CoreTestHost host, PlanInput input)
    {
        var result = await host.Get<PlanService>().CreateAsync(input, Ct);
        Assert.True(result.Succeeded, result.ErrorText);
        return result.Value!.Id;
    }

    /// <summary>Starts a run and waits for it; returns the backup id.</summary>
    public static async Task<string> RunAsync(CoreTestHost host, string planId, string trigger = PlanRunner.ManualTrigger)
    {
        var runner = host.Get<PlanRunner>();
        var started = await runner.StartAsync(host.Tenant.TenantId!, planId, trigger, Ct);
        Assert.True(started.Succeeded, started.ErrorText);
        await runner.WaitAsync(planId);
        return started.Value!;
    }
}
