using BackupConsole.Core.Data;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Tests.Plans;
using BackupConsole.Tests.Support;
using BackupConsole.Tests.TestBed;
using Microsoft.EntityFrameworkCore;
using MySqlConnector;
using StackExchange.Redis;

namespace BackupConsole.Tests.Reliability;

/// <summary>#11: the source goes away in the middle of a plan's run (restarted, or its connection cut); the run fails
/// with a clear error, writes no backup, and the next run succeeds.</summary>
public sealed class SourceRestartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_redis_restarted_mid_dump_fails_the_run_clearly_and_the_next_run_succeeds()
    {
        await using var redis = await OwnRedis.StartAsync(Ct);
        await LoadKeysAsync(redis, 600_000);
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var instance = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("cache", InstanceKind.Redis, Host: "127.0.0.1", Port: redis.Port, Secret: redis.Password));
        var plan = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("cache", instance, pool, InstanceKind.Redis, "logical"));
        var runner = host.Get<PlanRunner>();

        var started = await runner.StartAsync(host.Tenant.TenantId!, plan, PlanRunner.ManualTrigger, Ct);
        Assert.True(started.Succeeded, started.ErrorText);
        await WaitUntilReadingAsync(redis);
        await redis.StopAsync();
        await redis.StartAgainAsync(Ct);
        await runner.WaitAsync(plan);
        await LoadKeysAsync(redis, 1_000);
        var next = await PlanTestKit.RunAsync(host, plan);

        await using var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!);
        var failed = await db.BackupData.AsNoTracking().SingleAsync(d => d.Id == started.Value, Ct);
        Assert.Equal(BackupDataStatus.Failed, failed.Status);
        Assert.Contains("was lost while reading database 0", failed.Error);
        Assert.Equal(BackupDataStatus.Available, (await db.BackupData.AsNoTracking().SingleAsync(d => d.Id == next, Ct)).Status);
        // The pool holds only the good backup: the cut-off run wrote no manifest.
        await using var pooled = await host.Get<Core.StoragePools.StoragePoolService>().OpenRepositoryAsync(pool, Ct);
        Assert.Equal([next], await pooled.Repository.ListSetsAsync(Ct).Select(m => m.BackupId).ToArrayAsync(Ct));
    }

    [Fact]
    public async Task A_mariadb_restarted_mid_dump_fails_the_run_clearly_and_the_next_run_succeeds()
    {
        await using var mariaDb = await OwnMariaDb.StartAsync(Ct);
        const string database = "orders";
        await using (var connection = new MySqlConnection(mariaDb.ConnectionString().ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await Execute(connection, $"CREATE DATABASE `{database}`; CREATE TABLE `{database}`.rows (id INT PRIMARY KEY, payload TEXT)");
            await Execute(connection, $"INSERT INTO `{database}`.rows SELECT seq, REPEAT('x', 400) FROM `{database}`.seq_1_to_600000");
        }
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var instance = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("orders", InstanceKind.MySql, Host: "127.0.0.1", Port: mariaDb.Port, UserName: OwnMariaDb.User, Secret: mariaDb.Password));
        var plan = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("orders", instance, pool, InstanceKind.MySql, "logical") with { Selection = database });
        var runner = host.Get<PlanRunner>();

        var started = await runner.StartAsync(host.Tenant.TenantId!, plan, PlanRunner.ManualTrigger, Ct);
        Assert.True(started.Succeeded, started.ErrorText);
        await WaitUntilDumpingAsync(mariaDb, database);
        await mariaDb.RestartAsync(Ct);
        await runner.WaitAsync(plan);
        var next = await PlanTestKit.RunAsync(host, plan);

        await AssertCutOffThenBackedUpAsync(host, pool, started.Value!, next, database);
    }

    /// <summary>The cut-off run failed saying which table it lost the connection on, wrote no backup, and the next run is the pool's only backup.</summary>
    private static async Task AssertCutOffThenBackedUpAsync(CoreTestHost host, string pool, string failedId, string next, string database)
    {
        await using var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!);
        var failed = await db.BackupData.AsNoTracking().SingleAsync(d => d.Id == failedId, Ct);
        Assert.Equal(BackupDataStatus.Failed, failed.Status);
        Assert.Contains("was lost while reading `" + database + "`.`rows`", failed.Error);
        Assert.Equal(BackupDataStatus.Available, (await db.BackupData.AsNoTracking().SingleAsync(d => d.Id == next, Ct)).Status);
        await using var pooled = await host.Get<Core.StoragePools.StoragePoolService>().OpenRepositoryAsync(pool, Ct);
        Assert.Equal([next], await pooled.Repository.ListSetsAsync(Ct).Select(m => m.BackupId).ToArrayAsync(Ct));
    }

    /// <summary>Waits until the backup is reading the table, so the restart lands mid-dump.</summary>
    private static async Task WaitUntilDumpingAsync(OwnMariaDb mariaDb, string database)
    {
        await using var connection = new MySqlConnection(mariaDb.ConnectionString().ConnectionString);
        await connection.OpenAsync(Ct);
        for (var i = 0; i < 200; i++)
        {
            await using var reading = new MySqlCommand(
                $"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE '%`{database}`.`rows`%'", connection);
            if (Convert.ToInt64(await reading.ExecuteScalarAsync(Ct)) > 0)
                return;
            await Task.Delay(25, Ct);
        }
        Assert.Fail("The backup never started reading the table.");
    }

    [Fact]
    public async Task A_mariadb_dropping_the_dump_connections_fails_the_run_clearly_and_the_next_run_succeeds()
    {
        var mariaDb = TestServices.RequireMariaDb();
        var database = "dropdump_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new MySqlConnection(mariaDb.ConnectionString().ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await Execute(connection, $"CREATE DATABASE `{database}`; CREATE TABLE `{database}`.rows (id INT PRIMARY KEY, payload TEXT)");
            // Enough rows that the dump is still reading when its connections are killed.
            await Execute(connection, $"INSERT INTO `{database}`.rows SELECT seq, REPEAT('x', 400) FROM `{database}`.seq_1_to_600000");
        }
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var instance = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("orders", InstanceKind.MySql, Host: mariaDb.Host, Port: mariaDb.Port, UserName: mariaDb.User, Secret: mariaDb.Password));
        var plan = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("orders", instance, pool, InstanceKind.MySql, "logical") with { Selection = database });
        var runner = host.Get<PlanRunner>();

        var started = await runner.StartAsync(host.Tenant.TenantId!, plan, PlanRunner.ManualTrigger, Ct);
        Assert.True(started.Succeeded, started.ErrorText);
        // What a restart does to the client: the connection reading the table is cut by the server.
        await KillReadersAsync(mariaDb, database);
        await runner.WaitAsync(plan);
        await using (var connection = new MySqlConnection(mariaDb.ConnectionString().ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await Execute(connection, $"DELETE FROM `{database}`.rows WHERE id > 1000");
        }
        var next = await PlanTestKit.RunAsync(host, plan);

        await AssertCutOffThenBackedUpAsync(host, pool, started.Value!, next, database);
        await using (var connection = new MySqlConnection(mariaDb.ConnectionString().ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await Execute(connection, $"DROP DATABASE `{database}`");
        }
    }

    private static async Task Execute(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 300 };
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task LoadKeysAsync(OwnRedis redis, int count)
    {
        await using var connection = await redis.ConnectAsync();
        var db = connection.GetDatabase(0);
        for (var start = 0; start < count; start += 50_000)
            await Task.WhenAll(Enumerable.Range(start, Math.Min(50_000, count - start)).Select(i => db.StringSetAsync($"key:{i}", new string('v', 200))));
    }

    /// <summary>Waits until the backup has issued its first page scripts, so the restart lands mid-dump.</summary>
    private static async Task WaitUntilReadingAsync(OwnRedis redis)
    {
        await using var connection = await redis.ConnectAsync();
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        for (var i = 0; i < 200; i++)
        {
            var stats = (await server.InfoAsync("commandstats")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
            if (stats.Keys.Any(k => k.Contains("cmdstat_dump", StringComparison.OrdinalIgnoreCase)))
                return;
            await Task.Delay(20, Ct);
        }
        Assert.Fail("The backup never started reading.");
    }

    private static async Task KillReadersAsync(MariaDbService mariaDb, string database)
    {
        var root = mariaDb.ConnectionString();
        root.UserID = "root";
        root.Password = mariaDb.RootPassword;
        await using var connection = new MySqlConnection(root.ConnectionString);
        await connection.OpenAsync(Ct);
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var readers = new List<long>();
            await using (var list = new MySqlCommand($"SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%FROM `{database}`.`rows`%' AND ID <> CONNECTION_ID()", connection))
            await using (var reader = await list.ExecuteReaderAsync(Ct))
                while (await reader.ReadAsync(Ct))
                    readers.Add(reader.GetInt64(0));
            if (readers.Count > 0)
            {
                foreach (var id in readers)
                {
                    await using var kill = new MySqlCommand($"KILL CONNECTION {id}", connection);
                    try
                    {
                        await kill.ExecuteNonQueryAsync(Ct);
                    }
                    catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.NoSuchThread)
                    {
                        // It finished between the listing and the kill.
                    }
                }
                return;
            }
            await Task.Delay(10, Ct);
        }
        Assert.Fail("The dump never started reading the database.");
    }
}
