using BackupConsole.Tests.Support;
using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Core.StoragePools;
using BackupConsole.Tests.TestBed;
using Microsoft.EntityFrameworkCore;
using MySqlConnector;
using Quartz;

namespace BackupConsole.Tests.Plans;

/// <summary>Plans run against the real servers (R-PLAN-8, 11, 12, 14): rows match manifests, one run at a time, the schedule fires, plans follow their source.</summary>
[Trait(CoreTestHost.SuiteTrait, CoreTestHost.CoreSuite)]
public sealed class PlanRunTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static async Task<string> MySqlDatabaseAsync(MariaDbService mariadb)
    {
        var name = "plan_" + Guid.NewGuid().ToString("N")[..8];
        await using var connection = new MySqlConnection(mariadb.ConnectionString().ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new MySqlCommand(
            $"CREATE DATABASE `{name}`; USE `{name}`; CREATE TABLE `{name}`.orders (id INT PRIMARY KEY, note TEXT); CREATE TABLE `{name}`.users (id INT PRIMARY KEY);" +
            $"CREATE TABLE `{name}`.audit (id INT PRIMARY KEY); INSERT INTO `{name}`.orders SELECT seq, CONCAT('order ', seq) FROM seq_1_to_2000;" +
            $"INSERT INTO `{name}`.users SELECT seq FROM seq_1_to_10;", connection);
        await command.ExecuteNonQueryAsync(Ct);
        return name;
    }

    internal static async Task<long> CountAsync(MariaDbService mariadb, string table)
    {
        await using var connection = new MySqlConnection(mariadb.ConnectionString().ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new MySqlCommand($"SELECT COUNT(*) FROM {table}", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct));
    }

    internal static async Task DropAsync(MariaDbService mariadb, string database)
    {
        await using var connection = new MySqlConnection(mariadb.ConnectionString().ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new MySqlCommand($"DROP DATABASE IF EXISTS `{database}`", connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    [Fact]
    public async Task A_mysql_logical_run_records_a_row_matching_its_manifest_and_a_second_request_is_refused_while_it_runs()
    {
        var mariadb = TestServices.RequireMariaDb();
        var database = await MySqlDatabaseAsync(mariadb);
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        try
        {
            var instance = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("db", InstanceKind.MySql, Host: mariadb.Host, Port: mariadb.Port,
                UserName: mariadb.User, Secret: mariadb.Password));
            var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("two tables", instance, pool, InstanceKind.MySql, "logical")
                with { Selection = $"{database}.orders,{database}.users" });
            var runner = host.Get<PlanRunner>();

            var first = await runner.StartAsync(host.Tenant.TenantId!, planId, PlanRunner.ManualTrigger, Ct);
            var second = await runner.StartAsync(host.Tenant.TenantId!, planId, PlanRunner.ManualTrigger, Ct);
            await runner.WaitAsync(planId);

            Assert.True(first.Succeeded, first.ErrorText);
            Assert.False(second.Succeeded);
            Assert.Contains("正在执行", second.ErrorText);
            await using var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!);
            var row = await db.BackupData.SingleAsync(Ct);
            await using var repository = await host.Get<StoragePoolService>().OpenRepositoryAsync(pool, Ct);
            var manifest = await repository.Repository.ReadManifestAsync(first.Value!, Ct);
            Assert.Equal((first.Value, BackupDataStatus.Available, "manual"), (row.Id, row.Status, row.Trigger));
            Assert.NotNull(manifest);
            Assert.Equal((planId, "logical", manifest.RawBytes, manifest.StoredBytes), (manifest.PlanId, manifest.BackupType, row.SizeBytes, row.StoredBytes));
            Assert.True(row.SizeBytes > 20_000);
            Assert.Equal(PlanStatus.Available, (await host.Get<PlanService>().GetAsync(planId, Ct))!.Status);
            Assert.Contains(await db.Events.Select(e => e.Type).ToListAsync(Ct), t => t == "BackupSucceeded");
        }
        finally
        {
            await DropAsync(mariadb, database);
        }
    }

    [Fact]
    public async Task A_run_that_cannot_reach_its_source_ends_failed_with_the_reason_and_leaves_no_backup()
    {
        var mariadb = TestServices.RequireMariaDb();
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var instance = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("db", InstanceKind.MySql, Host: mariadb.Host, Port: mariadb.Port,
            UserName: mariadb.User, Secret: "not-the-password"));
        var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("broken", instance, pool, InstanceKind.MySql, "logical"));

        var backupId = await PlanTestKit.RunAsync(host, planId);

        await using var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!);
        var row = await db.BackupData.SingleAsync(Ct);
        await using var repository = await host.Get<StoragePoolService>().OpenRepositoryAsync(pool, Ct);
        Assert.Equal((backupId, BackupDataStatus.Failed), (row.Id, row.Status));
        Assert.Contains("Access denied", row.Error);
        Assert.DoesNotContain("not-the-password", row.Error);
        Assert.Null(await repository.Repository.ReadManifestAsync(backupId, Ct));
        Assert.Equal(PlanStatus.Failed, (await host.Get<PlanService>().GetAsync(planId, Ct))!.Status);
        Assert.Contains(await db.Events.Where(e => e.ResourceId == planId).Select(e => e.Type).ToListAsync(Ct), t => t == "BackupFailed");
    }

    [Fact]
    public async Task A_scheduled_plan_fires_on_its_timer_and_produces_an_available_backup()
    {
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var source = await PlanTestKit.AddDirectoryAsync(host);
        // The next whole minute, at least 5 s away, in the plan's own time zone.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var at = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddSeconds(65), zone);
        var timer = PlanTimer.Daily("Asia/Shanghai", new TimeOnly(at.Hour, at.Minute));
        var scheduler = await host.Get<ISchedulerFactory>().GetScheduler(Ct);
        await scheduler.Start(Ct);
        try
        {
            var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Scheduled("every day", source, pool, timer));
            await using var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!);
            BackupData? row = null;
            for (var waited = 0; waited < 150 && row?.Status != BackupDataStatus.Available; waited++)
            {
                await Task.Delay(1000, Ct);
                row = await db.BackupData.AsNoTracking().SingleOrDefaultAsync(d => d.PlanId == planId, Ct);
            }

            Assert.NotNull(row);
            Assert.Equal((BackupDataStatus.Available, PlanRunner.ScheduleTrigger), (row.Status, row.Trigger));
            var due = at.AddSeconds(-at.Second).AddMilliseconds(-at.Millisecond);
            Assert.InRange(row.StartedAt, due.AddSeconds(-1), due.AddSeconds(30));
        }
        finally
        {
            await scheduler.Standby(Ct);
        }
    }

    [Fact]
    public async Task Scheduled_plans_pause_while_their_redis_is_down_and_resume_when_it_returns_while_manual_runs_fail_clearly()
    {
        await using var redis = await OwnRedis.StartAsync(Ct);
        var (host, pool) = await PlanTestKit.StartAsync(new Dictionary<string, string?> { ["Instances:ProbeTimeoutSeconds"] = "3" });
        await using var _ = host;
        var instance = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("cache", InstanceKind.Redis, Host: "127.0.0.1", Port: redis.Port, Secret: redis.Password));
        var scheduled = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Scheduled("cache nightly", instance, pool, kind: InstanceKind.Redis, type: "logical"));
        var manual = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("cache by hand", instance, pool, InstanceKind.Redis, "logical"));
        var health = host.Get<InstanceHealth>();
        var plans = host.Get<PlanService>();
        var scheduler = host.Get<PlanScheduler>();

        await health.CheckAllAsync(Ct);
        var online = (await host.Get<InstanceService>().GetAsync(instance, Ct))!.Status;
        await redis.StopAsync();
        await health.CheckAllAsync(Ct);
        var whileDown = (await plans.GetAsync(scheduled, Ct))!.Status;
        var triggerWhileDown = await scheduler.NextFireAsync(scheduled, Ct);
        var manualWhileDown = (await plans.GetAsync(manual, Ct))!.Status;
        var failedRun = await PlanTestKit.RunAsync(host, manual);
        await redis.StartAgainAsync(Ct);
        await health.CheckAllAsync(Ct);

        Assert.Equal(InstanceStatus.Online, online);
        Assert.Equal(PlanStatus.Paused, whileDown);
        Assert.Null(triggerWhileDown);
        Assert.Equal(PlanStatus.Available, manualWhileDown);
        Assert.Equal(PlanStatus.Available, (await plans.GetAsync(scheduled, Ct))!.Status);
        Assert.NotNull(await scheduler.NextFireAsync(scheduled, Ct));
        await using var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!);
        var failed = await db.BackupData.SingleAsync(d => d.Id == failedRun, Ct);
        Assert.Equal(BackupDataStatus.Failed, failed.Status);
        Assert.Contains("离线", failed.Error);
        var events = await db.Events.Where(e => e.ResourceId == scheduled).Select(e => e.Type).ToListAsync(Ct);
        Assert.Contains("PlanAutoPaused", events);
        Assert.Contains("PlanAutoResumed", events);
        Assert.Contains(await db.Events.Where(e => e.ResourceId == instance).Select(e => e.Type).ToListAsync(Ct), t => t == "InstanceOffline");
        // Back online, the manual plan runs again.
        Assert.Equal(BackupDataStatus.Available, (await db.BackupData.AsNoTracking().SingleAsync(d => d.Id == PlanTestKit.RunAsync(host, manual).Result, Ct)).Status);
    }

    [Fact]
    public async Task Runs_beyond_the_tenants_limit_wait_for_a_slot_and_then_all_complete()
    {
        var (host, pool) = await PlanTestKit.StartAsync(new Dictionary<string, string?> { ["Plans:MaxConcurrentRunsPerTenant"] = "1" });
        await using var _ = host;
        var runner = host.Get<PlanRunner>();
        var plans = new List<string>();
        for (var i = 0; i < 3; i++)
            plans.Add(await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual($"files {i}", await PlanTestKit.AddDirectoryAsync(host, $"dir{i}"), pool)));

        foreach (var plan in plans)
            Assert.True((await runner.StartAsync(host.Tenant.TenantId!, plan, PlanRunner.ManualTrigger, Ct)).Succeeded);
        foreach (var plan in plans)
            await runner.WaitAsync(plan);

        await using var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!);
        var rows = await db.BackupData.AsNoTracking().ToListAsync(Ct);
        Assert.All(rows, r => Assert.Equal(BackupDataStatus.Available, r.Status));
        // One slot: no run began before the one ahead of it had finished.
        var ordered = rows.OrderBy(r => r.StartedAt).ToList();
        for (var i = 1; i < ordered.Count; i++)
            Assert.True(ordered[i].StartedAt >= ordered[i - 1].FinishedAt, $"{ordered[i].Id} began before {ordered[i - 1].Id} finished");
    }

    [Fact]
    public async Task An_external_redis_is_backed_up_through_the_gateway_and_the_manifest_names_the_server_not_the_relay()
    {
        await using var redis = await OwnRedis.StartAsync(Ct);
        await using (var connection = await redis.ConnectAsync())
            await connection.GetDatabase(0).StringSetAsync("through", "the gateway");
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var input = new InstanceInput("far cache", InstanceKind.Redis, Host: "127.0.0.1", Port: redis.Port, Secret: redis.Password, External: true);
        var refused = await host.Get<InstanceService>().CreateAsync(input, Ct);
        await StoragePools.StoragePoolTestKit.CreateGatewayAsync(host);
        var instance = await PlanTestKit.AddInstanceAsync(host, input);
        var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("far", instance, pool, InstanceKind.Redis, "logical"));

        var tested = await host.Get<InstanceService>().TestConnectionAsync(input with { Secret = null }, instance, Ct);
        var gateway = (await host.Get<GatewayService>().ListAsync(Ct)).Single();
        var limiter = host.Get<GatewayLimiters>().For(gateway.Id, gateway.BandwidthMbps);
        var before = limiter.InboundBytes;
        var backupId = await PlanTestKit.RunAsync(host, planId);

        Assert.Equal("External", refused.Errors.Single().Field);
        Assert.True(tested.Succeeded, tested.ErrorText);
        await using var repository = await host.Get<StoragePoolService>().OpenRepositoryAsync(pool, Ct);
        var manifest = await repository.Repository.ReadManifestAsync(backupId, Ct);
        Assert.NotNull(manifest);
        Assert.Equal($"127.0.0.1:{redis.Port}", manifest.Source.Description);
        Assert.Equal("1", manifest.Properties["keys.0"]);
        // The Redis replies crossed the gateway's limiter, so they went through the relay.
        Assert.True(limiter.InboundBytes - before > 0);
    }

    [Fact]
    public async Task Retention_deletes_expired_backups_from_the_pool_but_never_one_a_kept_backup_builds_on()
    {
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var source = await PlanTestKit.AddDirectoryAsync(host);
        var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("files", source, pool));
        var oldest = await PlanTestKit.RunAsync(host, planId);
        var base_ = await PlanTestKit.RunAsync(host, planId);
        var newest = await PlanTestKit.RunAsync(host, planId);
        await using (var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!))
        {
            foreach (var row in await db.BackupData.Where(d => d.Id == oldest || d.Id == base_).ToListAsync(Ct))
                row.FinishedAt = DateTimeOffset.UtcNow.AddDays(-10);
            // The kept backup builds on an expired one: that one must stay.
            (await db.BackupData.SingleAsync(d => d.Id == newest, Ct)).ParentId = base_;
            await db.SaveChangesAsync(Ct);
        }

        var result = await host.Get<PlanRetention>().ApplyAsync(Ct);

        await using var check = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!);
        await using var repository = await host.Get<StoragePoolService>().OpenRepositoryAsync(pool, Ct);
        Assert.Equal((1, 1), (result.Deleted, result.KeptForChains));
        Assert.Equal(new[] { base_, newest }.Order(), (await check.BackupData.Select(d => d.Id).ToListAsync(Ct)).Order());
        Assert.Null(await repository.Repository.ReadManifestAsync(oldest, Ct));
        Assert.NotNull(await repository.Repository.ReadManifestAsync(base_, Ct));
        await repository.Repository.VerifyAsync(newest, repository.Key, Ct);
        Assert.Contains(await check.Events.Where(e => e.ResourceId == planId).Select(e => e.Detail).ToListAsync(Ct), d => d.StartsWith(oldest));
    }

    [Fact]
    public async Task At_start_a_missed_time_runs_once_and_runs_a_killed_console_left_open_are_failed()
    {
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var source = await PlanTestKit.AddDirectoryAsync(host);
        var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Scheduled("daily", source, pool, PlanTimer.Daily("UTC", new TimeOnly(0, 0))));
        var stale = Core.Tenancy.ResourceIds.New(Core.Tenancy.ResourceIds.BackupSet);
        await using (var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!))
        {
            var plan = await db.Plans.SingleAsync(Ct);
            plan.LastRunAt = DateTimeOffset.UtcNow.AddDays(-3);
            db.BackupData.Add(new BackupData
            {
                Id = stale, PlanId = planId, PoolId = pool, BackupType = "snapshot", Status = BackupDataStatus.Running, Trigger = "schedule",
                StartedAt = DateTimeOffset.UtcNow.AddDays(-3),
            });
            await db.SaveChangesAsync(Ct);
        }
        var scheduler = host.Get<PlanScheduler>();

        await scheduler.RebuildAsync(Ct);
        await host.Get<PlanRunner>().WaitAsync(planId);
        await scheduler.RebuildAsync(Ct);
        await host.Get<PlanRunner>().WaitAsync(planId);

        await using var check = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!);
        var rows = await check.BackupData.OrderBy(d => d.StartedAt).ToListAsync(Ct);
        Assert.Equal(2, rows.Count);
        Assert.Equal((stale, BackupDataStatus.Failed), (rows[0].Id, rows[0].Status));
        Assert.Contains("控制台在备份过程中停止", rows[0].Error);
        Assert.Equal((PlanRunner.CatchUpTrigger, BackupDataStatus.Available), (rows[1].Trigger, rows[1].Status));
    }
}
