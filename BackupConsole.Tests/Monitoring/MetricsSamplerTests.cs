using BackupConsole.Core.Data;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Monitoring;
using BackupConsole.Core.Plans;
using BackupConsole.Tests.Plans;
using BackupConsole.Tests.TestBed;
using Microsoft.EntityFrameworkCore;
using MySqlConnector;

namespace BackupConsole.Tests.Monitoring;

/// <summary>R-MON-1: samples taken while a real backup runs are measured, not invented — the bytes they count are the bytes the run wrote.</summary>
public sealed class MetricsSamplerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_running_mysql_backup_is_sampled_and_its_network_out_adds_up_to_what_it_wrote_to_the_pool()
    {
        var mariadb = TestServices.RequireMariaDb();
        var database = "mon_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new MySqlConnection(mariadb.ConnectionString().ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var create = new MySqlCommand(
                $"CREATE DATABASE `{database}`; USE `{database}`; CREATE TABLE `{database}`.events (id INT PRIMARY KEY, body VARCHAR(400));" +
                $"INSERT INTO `{database}`.events SELECT seq, CONCAT(seq, ' ', MD5(seq), REPEAT(MD5(seq * 7), 8)) FROM seq_1_to_60000;", connection);
            await create.ExecuteNonQueryAsync(Ct);
        }
        var (host, pool) = await PlanTestKit.StartAsync(new Dictionary<string, string?> { ["Monitoring:SampleSeconds"] = "1" });
        await using var _ = host;
        try
        {
            var instance = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("db", InstanceKind.MySql, Host: mariadb.Host, Port: mariadb.Port,
                UserName: mariadb.User, Secret: mariadb.Password));
            var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("events", instance, pool, InstanceKind.MySql, "logical") with { Selection = database });
            var before = DateTimeOffset.UtcNow.AddSeconds(-1);
            var backupId = await PlanTestKit.RunAsync(host, planId);

            await using var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!);
            var row = await db.BackupData.SingleAsync(d => d.Id == backupId, Ct);
            var samples = await db.PlanMetrics.Where(m => m.RunId == backupId).OrderBy(m => m.AtMs).ToListAsync(Ct);
            var series = await host.Get<MonitoringService>().SeriesAsync(planId, before, DateTimeOffset.UtcNow.AddSeconds(1), Ct);

            Assert.Equal(BackupDataStatus.Available, row.Status);
            Assert.NotEmpty(samples);
            var last = samples[^1];
            // Out is what was uploaded to the pool: exactly the stored size of the set's objects.
            Assert.Equal(row.StoredBytes, last.TotalOutBytes);
            // In is what was read from the source: the dump's raw bytes, several MB, more than the compressed output.
            Assert.True(last.TotalInBytes > 5_000_000 && last.TotalInBytes > last.TotalOutBytes, $"{last.TotalInBytes} in, {last.TotalOutBytes} out");
            Assert.Contains(samples, s => s.NetInBytesPerSecond > 0);
            Assert.All(samples, s => Assert.InRange(s.CpuPercent, 0, 100));
            Assert.Contains(samples, s => s.CpuPercent > 0);
            Assert.All(samples, s => Assert.True(s.MemoryBytes > 20_000_000, $"{s.MemoryBytes} bytes of memory"));
            // Rates integrate back to the totals: each rate times its interval is that interval's bytes.
            var integrated = samples.Zip(samples.Skip(1)).Sum(p => p.Second.NetOutBytesPerSecond * (p.Second.AtMs - p.First.AtMs) / 1000.0);
            Assert.InRange(integrated, (last.TotalOutBytes - samples[0].TotalOutBytes) * 0.98 - 1, (last.TotalOutBytes - samples[0].TotalOutBytes) * 1.02 + 1);
            Assert.Equal(samples.Count, series.Count);
        }
        finally
        {
            await PlanRunTests.DropAsync(mariadb, database);
        }
    }

    [Fact]
    public async Task Samples_past_their_retention_are_deleted_and_other_tenants_samples_stay_out_of_reach()
    {
        var (host, _) = await PlanTestKit.StartAsync();
        await using var __ = host;
        var tenant = host.Tenant.TenantId!;
        var now = DateTimeOffset.UtcNow;
        await using (var db = host.Get<TenantDbFactory>().ForSystem())
        {
            db.PlanMetrics.AddRange(
                new PlanMetric { TenantId = tenant, PlanId = "dbs-a", RunId = "r1", AtMs = now.AddDays(-40).ToUnixTimeMilliseconds(), CpuPercent = 1 },
                new PlanMetric { TenantId = tenant, PlanId = "dbs-a", RunId = "r2", AtMs = now.AddMinutes(-5).ToUnixTimeMilliseconds(), CpuPercent = 2 },
                new PlanMetric { TenantId = "tnt-other", PlanId = "dbs-a", RunId = "r3", AtMs = now.AddMinutes(-4).ToUnixTimeMilliseconds(), CpuPercent = 3 });
            await db.SaveChangesAsync(Ct);
        }

        var deleted = await host.Get<MetricRetention>().ApplyAsync(Ct);
        var series = await host.Get<MonitoringService>().SeriesAsync("dbs-a", now.AddDays(-60), now, Ct);

        Assert.Equal(1, deleted);
        Assert.Equal([2.0], series.Select(p => p.CpuPercent));
    }
}
