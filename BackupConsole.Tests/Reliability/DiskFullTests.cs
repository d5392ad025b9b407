using BackupConsole.Core.Data;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Tests.Plans;
using BackupConsole.Tests.TestBed;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MySqlConnector;

namespace BackupConsole.Tests.Reliability;

/// <summary>
/// #11: the console's data directory (metadata database and the embedded platform store) is a 24 MB disk and a run
/// writes 40 MB of incompressible rows into it. The run fails saying the disk is full, the set's objects are removed
/// (the space comes back), the metadata database passes SQLite's integrity check and records the failure, and the
/// next run, with less data, succeeds.
/// </summary>
public sealed class DiskFullTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_full_data_directory_fails_the_run_clearly_frees_its_space_and_leaves_the_database_intact()
    {
        var mariaDb = TestServices.RequireMariaDb();
        var disk = await TestServices.MountSmallDiskAsync(24, Ct);
        var database = "diskfull_" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await using (var connection = new MySqlConnection(mariaDb.ConnectionString().ConnectionString))
            {
                await connection.OpenAsync(Ct);
                await using var create = new MySqlCommand(
                    $"CREATE DATABASE `{database}`; CREATE TABLE `{database}`.blobs (id INT PRIMARY KEY, payload VARBINARY(1024)); " +
                    $"INSERT INTO `{database}`.blobs SELECT seq, RANDOM_BYTES(1024) FROM `{database}`.seq_1_to_40000", connection) { CommandTimeout = 300 };
                await create.ExecuteNonQueryAsync(Ct);
            }
            var (host, pool) = await PlanTestKit.StartAsync(new Dictionary<string, string?> { ["Data:Directory"] = disk });
            await using var _ = host;
            var instance = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("orders", InstanceKind.MySql, Host: mariaDb.Host, Port: mariaDb.Port, UserName: mariaDb.User, Secret: mariaDb.Password));
            var plan = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("orders", instance, pool, InstanceKind.MySql, "logical") with { Selection = database });
            var runner = host.Get<PlanRunner>();
            var free = new DriveInfo(disk).AvailableFreeSpace;

            var started = await runner.StartAsync(host.Tenant.TenantId!, plan, PlanRunner.ManualTrigger, Ct);
            Assert.True(started.Succeeded, started.ErrorText);
            await runner.WaitAsync(plan);

            await using (var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!))
            {
                var failed = await db.BackupData.AsNoTracking().SingleAsync(d => d.Id == started.Value, Ct);
                Assert.Equal(BackupDataStatus.Failed, failed.Status);
                Assert.Contains("No space left on device", failed.Error);
                Assert.Equal(BackupDataStatus.Failed, (await db.Plans.AsNoTracking().SingleAsync(p => p.Id == plan, Ct)).LastRunStatus);
            }
            // What the run had written is gone again (within a megabyte: the database grew by the run's rows).
            Assert.InRange(new DriveInfo(disk).AvailableFreeSpace, free - 1024 * 1024, long.MaxValue);
            await using (var sqlite = new SqliteConnection($"Data Source={Path.Combine(disk, "backupconsole.db")};Mode=ReadOnly"))
            {
                await sqlite.OpenAsync(Ct);
                await using var check = new SqliteCommand("PRAGMA integrity_check", sqlite);
                Assert.Equal("ok", await check.ExecuteScalarAsync(Ct));
            }

            await using (var connection = new MySqlConnection(mariaDb.ConnectionString().ConnectionString))
            {
                await connection.OpenAsync(Ct);
                await using var shrink = new MySqlCommand($"DELETE FROM `{database}`.blobs WHERE id > 1000", connection);
                await shrink.ExecuteNonQueryAsync(Ct);
            }
            var next = await PlanTestKit.RunAsync(host, plan);
            await using (var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!))
                Assert.Equal(BackupDataStatus.Available, (await db.BackupData.AsNoTracking().SingleAsync(d => d.Id == next, Ct)).Status);
            await using var pooled = await host.Get<Core.StoragePools.StoragePoolService>().OpenRepositoryAsync(pool, Ct);
            Assert.Equal([next], await pooled.Repository.ListSetsAsync(Ct).Select(m => m.BackupId).ToArrayAsync(Ct));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            await TestServices.UnmountAsync(disk);
            await using var connection = new MySqlConnection(mariaDb.ConnectionString().ConnectionString);
            await connection.OpenAsync(CancellationToken.None);
            await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS `{database}`", connection);
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
