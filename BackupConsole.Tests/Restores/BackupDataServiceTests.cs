using BackupConsole.Core.Data;
using BackupConsole.Core.Plans;
using BackupConsole.Core.Restores;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Tests.Plans;
using BackupConsole.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Tests.Restores;

/// <summary>Deleting (R-PLAN-6), verifying and importing backup data, against a real pool on disk.</summary>
[Trait(CoreTestHost.SuiteTrait, CoreTestHost.CoreSuite)]
public sealed class BackupDataServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(CoreTestHost Host, string Pool, string Plan, string First, string Second)> TwoBackupsAsync(IDictionary<string, string?>? settings = null)
    {
        var (host, pool) = await PlanTestKit.StartAsync(settings);
        var instance = await PlanTestKit.AddDirectoryAsync(host);
        var plan = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("files", instance, pool));
        var first = await PlanTestKit.RunAsync(host, plan);
        var second = await PlanTestKit.RunAsync(host, plan);
        return (host, pool, plan, first, second);
    }

    private static async Task<BackupManifest?> ManifestAsync(CoreTestHost host, string pool, string backupId)
    {
        await using var repository = await host.Get<StoragePoolService>().OpenRepositoryAsync(pool, Ct);
        return await repository.Repository.ReadManifestAsync(backupId, Ct);
    }

    [Fact]
    public async Task Delete_refuses_a_backup_an_incremental_builds_on_naming_it_and_one_being_restored_then_removes_objects_and_row()
    {
        var (host, pool, plan, first, second) = await TwoBackupsAsync();
        await using var _ = host;
        var service = host.Get<BackupDataService>();
        await using (var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!))
        {
            // The second stands for an incremental on the first; a running restore reads the second.
            await db.BackupData.Where(d => d.Id == second).ExecuteUpdateAsync(s => s.SetProperty(d => d.ParentId, first), Ct);
            db.RestoreJobs.Add(new RestoreJob
            {
                Id = "dbsrst-test", BackupId = second, PoolId = pool, PlanId = plan, Target = "/tmp/x", ReadsBackups = $",{second},{first},",
                Status = RestoreJobStatus.Running, StartedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync(Ct);
        }

        var parent = await service.DeleteAsync(first, Ct);
        var restoring = await service.DeleteAsync(second, Ct);
        var listed = await host.Get<PlanService>().ListBackupDataAsync(plan, ct: Ct);
        await using (var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!))
            await db.RestoreJobs.Where(j => j.Id == "dbsrst-test").ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, RestoreJobStatus.Succeeded), Ct);
        var child = await service.DeleteAsync(second, Ct);
        var parentAfter = await service.DeleteAsync(first, Ct);

        Assert.Contains(second, parent.ErrorText);
        Assert.Contains("恢复中", restoring.ErrorText);
        Assert.True(listed.Items.Single(i => i.Id == second).Restoring);
        Assert.True(listed.Items.Single(i => i.Id == first).Restoring);
        Assert.True(child.Succeeded, child.ErrorText);
        Assert.True(parentAfter.Succeeded, parentAfter.ErrorText);
        Assert.Null(await ManifestAsync(host, pool, first));
        Assert.Null(await ManifestAsync(host, pool, second));
        Assert.Equal(0, (await host.Get<PlanService>().ListBackupDataAsync(plan, ct: Ct)).Total);
        Assert.Contains(await host.Get<PlanService>().ListEventsAsync(plan, Ct), e => e.Type == "BackupDeleted");
    }

    [Fact]
    public async Task A_delete_the_pool_stops_half_way_stays_deleting_with_the_error_and_a_retry_finishes_it()
    {
        var (host, pool, plan, first, _) = await TwoBackupsAsync();
        await using var __ = host;
        var manifestFile = Directory.GetFiles(host.DataDirectory, "manifest.json", SearchOption.AllDirectories);
        var prefix = Path.GetDirectoryName(manifestFile.Single(f => f.Contains(first, StringComparison.Ordinal)))!;
        // A file whose name is no valid object key: the store refuses to delete it, as a pool that goes away mid-delete would.
        var blocker = Path.Combine(prefix, "stray\\name");
        await File.WriteAllTextAsync(blocker, "x", Ct);
        var service = host.Get<BackupDataService>();

        var failed = await service.DeleteAsync(first, Ct);
        var row = (await host.Get<PlanService>().ListBackupDataAsync(plan, ct: Ct)).Items.Single(i => i.Id == first);
        File.Delete(blocker);
        var retried = await service.DeleteAsync(first, Ct);

        Assert.False(failed.Succeeded);
        Assert.Equal(BackupDataStatus.Deleting, row.Status);
        Assert.Contains("重试", row.Error);
        Assert.Null(await ManifestAsync(host, pool, first));
        Assert.True(retried.Succeeded, retried.ErrorText);
        Assert.Equal(1, (await host.Get<PlanService>().ListBackupDataAsync(plan, ct: Ct)).Total);
    }

    [Fact]
    public async Task Verify_passes_on_intact_data_and_fails_naming_the_object_once_a_byte_is_flipped()
    {
        var (host, pool, plan, first, second) = await TwoBackupsAsync();
        await using var _ = host;
        var service = host.Get<BackupDataService>();

        var passed = await service.VerifyAsync(first, ct: Ct);
        var manifest = (await ManifestAsync(host, pool, second))!;
        var damaged = manifest.Objects[0];
        var file = Directory.GetFiles(host.DataDirectory, "*", SearchOption.AllDirectories).Single(f => f.EndsWith(damaged.Key.Replace('/', Path.DirectorySeparatorChar), StringComparison.Ordinal));
        var bytes = await File.ReadAllBytesAsync(file, Ct);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(file, bytes, Ct);
        var failed = await service.VerifyAsync(second, ct: Ct);
        var rows = (await host.Get<PlanService>().ListBackupDataAsync(plan, ct: Ct)).Items;

        Assert.True(passed.Succeeded, passed.ErrorText);
        Assert.False(failed.Succeeded);
        Assert.Contains(damaged.Name, failed.ErrorText);
        Assert.Equal(VerificationState.Passed, rows.Single(r => r.Id == first).Verification);
        Assert.NotNull(rows.Single(r => r.Id == first).VerifiedAt);
        Assert.Equal(VerificationState.Failed, rows.Single(r => r.Id == second).Verification);
        Assert.Contains(await host.Get<PlanService>().ListEventsAsync(plan, Ct), e => e.Type == "BackupVerifyFailed");
    }

    [Fact]
    public async Task Scheduled_verification_checks_backups_never_verified_and_skips_recent_checks()
    {
        var (host, _, plan, first, second) = await TwoBackupsAsync(new Dictionary<string, string?> { ["Plans:VerificationsPerPass"] = "1" });
        await using var __ = host;
        var verification = host.Get<BackupVerification>();

        var firstPass = await verification.RunDueAsync(Ct);
        var secondPass = await verification.RunDueAsync(Ct);
        var thirdPass = await verification.RunDueAsync(Ct);
        var rows = (await host.Get<PlanService>().ListBackupDataAsync(plan, ct: Ct)).Items;

        Assert.Equal(new BackupVerification.Result(1, 0), firstPass);
        Assert.Equal(new BackupVerification.Result(1, 0), secondPass);
        Assert.Equal(new BackupVerification.Result(0, 0), thirdPass);
        Assert.All(rows, r => Assert.Equal(VerificationState.Passed, r.Verification));
        Assert.Contains(first, rows.Select(r => r.Id));
        Assert.Contains(second, rows.Select(r => r.Id));
    }

    [Fact]
    public async Task Import_into_an_empty_database_finds_every_set_joins_surviving_plans_and_restores_them()
    {
        var root = Path.Combine(Path.GetTempPath(), "bc-import-" + Guid.NewGuid().ToString("N")[..8]);
        var (host, pool, plan, first, second) = await TwoBackupsAsync(RestoreServiceTests.Roots(root));
        await using var _ = host;
        // The console "lost" its rows of the pool's backups; the plan survived.
        await using (var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!))
            await db.BackupData.ExecuteDeleteAsync(Ct);
        var service = host.Get<BackupDataService>();

        var imported = await service.ImportAsync(pool, Ct);
        var again = await service.ImportAsync(pool, Ct);
        var listed = await service.ListInPoolAsync(pool, ct: Ct);
        var job = await RestoreServiceTests.RestoreAsync(host, new RestoreRequest(first, RestoreMode.Directory, Directory: Path.Combine(root, "from-import")));

        Assert.True(imported.Succeeded, imported.ErrorText);
        Assert.Equal(new BackupDataService.ImportResult(2, 2, 0, 2), imported.Value);
        Assert.Equal(new BackupDataService.ImportResult(2, 0, 2, 0), again.Value);
        Assert.Equal([second, first], listed.Items.Select(i => i.Id));
        Assert.All(listed.Items, i => Assert.Equal(("file-storage", plan, "import"), (i.SourceKind, i.PlanId, i.Trigger)));
        Assert.Equal(2, job.ItemsDone);
    }
}
