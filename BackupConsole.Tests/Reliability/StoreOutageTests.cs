using BackupConsole.Core.Data;
using BackupConsole.Core.Plans;
using BackupConsole.Core.StoragePools;
using BackupConsole.Tests.Plans;
using BackupConsole.Tests.TestBed;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Tests.Reliability;

/// <summary>#11: the S3 server holding the pool is stopped in the middle of a run's uploads and restarted.</summary>
public sealed class StoreOutageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_s3_server_stopped_mid_upload_and_restarted_never_leaves_a_half_written_backup_listed()
    {
        await using var s3 = await OwnS3rver.StartAsync(Ct);
        var shared = TestServices.RequireS3();
        var (host, pool) = await PlanTestKit.StartAsync(new Dictionary<string, string?>
        {
            ["PlatformStorage:Kind"] = "S3",
            ["PlatformStorage:ServiceUrl"] = s3.Service.ServiceUrl,
            ["PlatformStorage:AccessKey"] = shared.AccessKey,
            ["PlatformStorage:SecretKey"] = shared.SecretKey,
        });
        await using var _ = host;
        var source = Directory.CreateTempSubdirectory("bc-outage-src-").FullName;
        for (var i = 0; i < 40; i++)
            await File.WriteAllBytesAsync(Path.Combine(source, $"part-{i}.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(4 << 20), Ct);
        var instance = await PlanTestKit.AddInstanceAsync(host, new Core.Instances.InstanceInput("files", Core.Instances.InstanceKind.FileStorage, Path: source));
        var plan = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("files", instance, pool));
        var runner = host.Get<PlanRunner>();
        var before = s3.Files.Count();

        var started = await runner.StartAsync(host.Tenant.TenantId!, plan, PlanRunner.ManualTrigger, Ct);
        Assert.True(started.Succeeded, started.ErrorText);
        for (var i = 0; i < 1000 && s3.Files.Count() < before + 10; i++)
            await Task.Delay(10, Ct);
        await s3.StopAsync();
        await Task.Delay(1500, Ct);
        await s3.StartAgainAsync(Ct);
        await runner.WaitAsync(plan);

        await using var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!);
        var row = await db.BackupData.AsNoTracking().SingleAsync(d => d.Id == started.Value, Ct);
        // Either outcome is allowed: the uploads' retries outlast the outage, or the run fails saying why. Never a
        // backup that is listed but incomplete.
        if (row.Status == BackupDataStatus.Failed)
            Assert.False(string.IsNullOrWhiteSpace(row.Error));
        else
            Assert.Equal(BackupDataStatus.Available, row.Status);
        await using (var pooled = await host.Get<StoragePoolService>().OpenRepositoryAsync(pool, Ct))
        {
            var listed = await pooled.Repository.ListSetsAsync(Ct).Select(m => m.BackupId).ToListAsync(Ct);
            Assert.Equal(row.Status == BackupDataStatus.Available ? [started.Value!] : [], listed);
        }
        if (row.Status == BackupDataStatus.Available)
            Assert.True((await host.Get<BackupDataService>().VerifyAsync(started.Value!, ct: Ct)).Succeeded);

        var next = await PlanTestKit.RunAsync(host, plan);
        Assert.Equal(BackupDataStatus.Available, (await db.BackupData.AsNoTracking().SingleAsync(d => d.Id == next, Ct)).Status);
        var verified = await host.Get<BackupDataService>().VerifyAsync(next, ct: Ct);
        Assert.True(verified.Succeeded, verified.ErrorText);
        Directory.Delete(source, recursive: true);
    }
}
