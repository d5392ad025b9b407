using BackupConsole.Core.Data;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Core.Restores;
using BackupConsole.Core.StoragePools;
using BackupConsole.Tests.Plans;
using BackupConsole.Tests.Restores;
using BackupConsole.Tests.TestBed;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Tests.Reliability;

/// <summary>Restores on a bad day: retention runs while a restore reads the backup; the pool holds a damaged object.</summary>
public sealed class RestoreSafetyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Retention_running_while_a_restore_reads_the_backup_keeps_it_and_the_restore_completes()
    {
        await using var redis = await OwnRedis.StartAsync(Ct);
        await using (var connection = await redis.ConnectAsync())
            for (var i = 0; i < 200; i++)
                await connection.GetDatabase(1).StringSetAsync($"k{i}", $"v{i}");
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var instance = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("cache", InstanceKind.Redis, Host: "127.0.0.1", Port: redis.Port,
            Secret: redis.Password, RedisDatabase: 1));
        var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("cache", instance, pool, InstanceKind.Redis, "logical"));
        var backupId = await PlanTestKit.RunAsync(host, planId);
        await using (var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!))
        {
            (await db.BackupData.SingleAsync(d => d.Id == backupId, Ct)).FinishedAt = DateTimeOffset.UtcNow.AddDays(-30);
            await db.SaveChangesAsync(Ct);
        }
        await using (var connection = await redis.ConnectAsync())
            // Writes wait for 3 s: the restore is certain to be in the middle of its work when retention runs.
            await connection.GetServer(connection.GetEndPoints()[0]).ExecuteAsync("CLIENT", "PAUSE", "3000", "WRITE");

        var started = await host.Get<RestoreService>().StartAsync(new RestoreRequest(backupId, RestoreMode.RedisDatabase, instance, RedisDatabase: 4), Ct);
        var duringRestore = await host.Get<PlanRetention>().ApplyAsync(Ct);
        var runningThen = host.Get<RestoreRunner>().ProgressOf(started.Value!) is not null;
        await host.Get<RestoreRunner>().WaitAsync(started.Value!);
        var job = await host.Get<RestoreService>().GetAsync(started.Value!, Ct);
        var afterRestore = await host.Get<PlanRetention>().ApplyAsync(Ct);

        Assert.True(started.Succeeded, started.ErrorText);
        Assert.True(runningThen, "the restore should still have been running when retention ran");
        Assert.Equal(0, duringRestore.Deleted);
        Assert.Equal(RestoreJobStatus.Succeeded, job!.Status);
        Assert.Equal(200, job.ItemsDone);
        await using (var check = await redis.ConnectAsync())
            Assert.Equal(200, await check.GetServer(check.GetEndPoints()[0]).DatabaseSizeAsync(4));
        // Once the restore is over, the expired backup goes.
        Assert.Equal(1, afterRestore.Deleted);
    }

    [Fact]
    public async Task A_restore_from_a_damaged_object_fails_naming_it_and_leaves_no_half_written_directory()
    {
        var root = Path.Combine(Path.GetTempPath(), "bc-restore-" + Guid.NewGuid().ToString("N")[..8]);
        var (host, pool) = await PlanTestKit.StartAsync(RestoreServiceTests.Roots(root));
        await using var _ = host;
        var instance = await PlanTestKit.AddDirectoryAsync(host);
        var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("files", instance, pool));
        var backupId = await PlanTestKit.RunAsync(host, planId);
        var blob = Directory.GetFiles(host.DataDirectory, "*.zst", SearchOption.AllDirectories)
            .Where(f => f.Contains($"{Path.DirectorySeparatorChar}packs{Path.DirectorySeparatorChar}")).OrderByDescending(f => new FileInfo(f).Length).First();
        var bytes = await File.ReadAllBytesAsync(blob, Ct);
        bytes[bytes.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(blob, bytes, Ct);
        var target = Path.Combine(root, "damaged");

        var started = await host.Get<RestoreService>().StartAsync(new RestoreRequest(backupId, RestoreMode.Directory, Directory: target), Ct);
        await host.Get<RestoreRunner>().WaitAsync(started.Value!);
        var job = await host.Get<RestoreService>().GetAsync(started.Value!, Ct);

        Assert.Equal(RestoreJobStatus.Failed, job!.Status);
        Assert.Contains(Path.GetFileName(blob), job.Error);
        Assert.False(Directory.Exists(target));
        Assert.Contains(await host.Get<PlanService>().ListEventsAsync(planId, Ct), e => e.Type == "RestoreFailed");
    }
}
