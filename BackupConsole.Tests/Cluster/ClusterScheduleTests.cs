using BackupConsole.Core.Data;
using BackupConsole.Core.Plans;
using BackupConsole.Tests.Browser;
using BackupConsole.Tests.Plans;
using BackupConsole.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Tests.Cluster;

/// <summary>The two-node test on the test bed's MariaDB.</summary>
public sealed class ClusterScheduleOnMariaDbTests() : ClusterScheduleTests(DatabaseProviders.MySql);

/// <summary>The two-node test on the test bed's PostgreSQL.</summary>
public sealed class ClusterScheduleOnPostgresTests() : ClusterScheduleTests(DatabaseProviders.PostgreSql);

/// <summary>
/// X-6 / #10: two console processes on one metadata database (MariaDB, PostgreSQL) share one schedule through
/// Quartz's clustered ADO.NET store. 50 plans fire at each of three consecutive minutes; one node is killed (SIGKILL) while the second
/// minute's runs are under way. Every plan ends with exactly one available backup for each of the three times: none
/// lost (the killed node's runs are failed and run again by the survivor, its triggers taken over), none doubled.
/// </summary>
public abstract class ClusterScheduleTests(string provider)
{
    private const int Plans = 50;

    [Fact]
    public async Task Two_nodes_back_up_each_scheduled_time_once_and_a_killed_nodes_runs_are_taken_over()
    {
        var ct = TestContext.Current.CancellationToken;
        var onMySql = provider == DatabaseProviders.MySql;
        var (database, connectionString) = onMySql ? MariaDbMetadata.Create("bc_cluster_") : PostgresMetadata.Create("bc_cluster_");
        var shared = Path.Combine(Path.GetTempPath(), "bc-cluster-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // The schema, the tenant and its plans come first, from Core itself against the shared database and data
            // directory (the nodes share the data-protection keys and the platform store there).
            var (host, pool) = await PlanTestKit.StartAsync(new Dictionary<string, string?>
            {
                ["Database:Provider"] = provider,
                ["Database:ConnectionString"] = connectionString,
                ["Data:Directory"] = shared,
            });
            await using var _ = host;
            var instance = await PlanTestKit.AddDirectoryAsync(host);
            // Far enough ahead for both nodes to be up before the first time.
            var first = NextWholeMinute(DateTimeOffset.UtcNow.AddSeconds(55));
            var times = new[] { first, first.AddMinutes(1), first.AddMinutes(2) };
            var timer = PlanTimer.Daily("UTC", times.Select(t => TimeOnly.FromTimeSpan(t.TimeOfDay)).ToArray());
            var plans = new List<string>();
            for (var i = 0; i < Plans; i++)
                plans.Add(await PlanTestKit.AddPlanAsync(host, PlanTestKit.Scheduled($"cluster-{i:00}", instance, pool, timer)));

            // Started together: they take turns on the migration lock, and one of them creates Quartz's tables.
            var starting = new[] { "node-a", "node-b" }.Select(name => RunningConsole.StartAsync(CoreTestHost.AdminPassword, ct, Node(name, provider, connectionString), shared)).ToList();
            try
            {
                await Task.WhenAll(starting);
            }
            catch
            {
                foreach (var node in starting.Where(t => t.IsCompletedSuccessfully))
                    await (await node).DisposeAsync();
                throw;
            }
            await using var nodeA = await starting[0];
            await using var nodeB = await starting[1];
            Assert.True(DateTimeOffset.UtcNow < first, "the nodes took until the first scheduled time to start");

            // Killed a second into the second minute: with two runs at a time per tenant, its share of that minute's
            // 50 runs is still running or queued.
            await DelayUntilAsync(times[1].AddSeconds(1), ct);
            await nodeA.KillAsync();

            await DelayUntilAsync(times[2].AddSeconds(15), ct);
            var rows = await SettledRowsAsync(host, plans, TimeSpan.FromSeconds(120), ct);

            var available = rows.Where(r => r.Status == BackupDataStatus.Available).ToList();
            foreach (var plan in plans)
                foreach (var time in times)
                    Assert.True(available.Count(r => r.PlanId == plan && r.ScheduledFor == time) == 1,
                        $"plan {plan} at {time:u}: {Describe(rows.Where(r => r.PlanId == plan))}\n--- node-b:\n{nodeB.Output}");
            Assert.Equal(Plans * times.Length, available.Count);
            // The first minute was shared between the nodes.
            Assert.Equal(["node-a", "node-b"], rows.Where(r => r.ScheduledFor == times[0]).Select(r => r.Node).Distinct().Order());
            // What failed is the killed node's, said so, and was run again by the survivor for the same time.
            var failed = rows.Where(r => r.Status == BackupDataStatus.Failed).ToList();
            Assert.NotEmpty(failed);
            Assert.All(failed, r =>
            {
                Assert.Equal("node-a", r.Node);
                Assert.Contains("node-a", r.Error);
                Assert.Contains(available, a => a.PlanId == r.PlanId && a.ScheduledFor == r.ScheduledFor && a.Trigger == PlanRunner.RecoveryTrigger && a.Node == "node-b");
            });
            // After the kill only node-b ran anything.
            Assert.All(rows.Where(r => r.ScheduledFor == times[2]), r => Assert.Equal("node-b", r.Node));
        }
        finally
        {
            await (onMySql ? MariaDbMetadata.DropAsync(database) : PostgresMetadata.DropAsync(database));
            if (Directory.Exists(shared))
                Directory.Delete(shared, recursive: true);
        }
    }

    private static Dictionary<string, string> Node(string name, string provider, string connectionString) => new()
    {
        ["Database__Provider"] = provider,
        ["Database__ConnectionString"] = connectionString,
        ["Cluster__Enabled"] = "true",
        ["Cluster__NodeName"] = name,
        ["Cluster__CheckinIntervalSeconds"] = "2",
        ["Cluster__RecoverySweepSeconds"] = "5",
        ["Plans__MaxConcurrentRunsPerTenant"] = "2",
    };

    private static DateTimeOffset NextWholeMinute(DateTimeOffset after) =>
        new DateTimeOffset(after.Year, after.Month, after.Day, after.Hour, after.Minute, 0, TimeSpan.Zero).AddMinutes(1);

    private static async Task DelayUntilAsync(DateTimeOffset when, CancellationToken ct)
    {
        if (when - DateTimeOffset.UtcNow is { Ticks: > 0 } wait)
            await Task.Delay(wait, ct);
    }

    /// <summary>The plans' backup rows once none is running any more.</summary>
    private static async Task<List<BackupData>> SettledRowsAsync(CoreTestHost host, List<string> plans, TimeSpan within, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (true)
        {
            await using var db = host.Get<TenantDbFactory>().ForSystem();
            var rows = await db.BackupData.AsNoTracking().Where(d => plans.Contains(d.PlanId!)).ToListAsync(ct);
            if (rows.All(r => r.Status != BackupDataStatus.Running) || DateTimeOffset.UtcNow > deadline)
                return rows;
            await Task.Delay(1000, ct);
        }
    }

    private static string Describe(IEnumerable<BackupData> rows) =>
        string.Join("; ", rows.Select(r => $"{r.Id} {r.Status} {r.Trigger} {r.Node} {r.ScheduledFor:u} {r.Error}"));
}
