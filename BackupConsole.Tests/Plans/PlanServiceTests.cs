using BackupConsole.Tests.Support;
using BackupConsole.Core.Data;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.Tenancy;
using BackupConsole.Tests.TestBed;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Tests.Plans;

/// <summary>The plan rules of R-PLAN-1…3, 7, 9, 10 and R-POOL-5, in Core, against the console's own database.</summary>
[Trait(CoreTestHost.SuiteTrait, CoreTestHost.CoreSuite)]
public sealed class PlanServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_scheduled_plan_is_listed_with_its_timer_text_and_its_trigger_follows_pause_and_resume()
    {
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("zh-CN");
        var source = await PlanTestKit.AddDirectoryAsync(host);
        var plans = host.Get<PlanService>();
        var scheduler = host.Get<PlanScheduler>();

        var id = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Scheduled("nightly", source, pool));
        var listed = (await plans.ListAsync(new PlanQuery(), Ct)).Items.Single();
        var next = await scheduler.NextFireAsync(id, Ct);
        Assert.True((await plans.PauseAsync(id, Ct)).Succeeded);
        var paused = await plans.GetAsync(id, Ct);
        var nextWhilePaused = await scheduler.NextFireAsync(id, Ct);
        Assert.True((await plans.ResumeAsync(id, Ct)).Succeeded);

        Assert.Equal(("nightly", PlanStatus.Available, "每天 02:00（Asia/Shanghai）", "files", "main"),
            (listed.Name, listed.Status, listed.TimerText, listed.InstanceName, listed.PoolName));
        Assert.Equal(18, next!.Value.UtcDateTime.Hour);
        Assert.Equal(PlanStatus.Paused, paused!.Status);
        Assert.Null(nextWhilePaused);
        Assert.NotNull(await scheduler.NextFireAsync(id, Ct));
    }

    [Fact]
    public async Task Manual_plans_cannot_be_paused_and_have_no_trigger()
    {
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var source = await PlanTestKit.AddDirectoryAsync(host);
        var id = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("by hand", source, pool));

        var pause = await host.Get<PlanService>().PauseAsync(id, Ct);

        Assert.False(pause.Succeeded);
        Assert.Contains("手动执行的计划不能暂停", pause.ErrorText);
        Assert.Null(await host.Get<PlanScheduler>().NextFireAsync(id, Ct));
    }

    [Fact]
    public async Task Bad_plans_are_refused_field_by_field_and_nothing_is_stored()
    {
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var files = await PlanTestKit.AddDirectoryAsync(host);
        var mysql = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("db", InstanceKind.MySql, Host: "127.0.0.1", Port: 3306, UserName: "u", Secret: "p"));
        var plans = host.Get<PlanService>();

        async Task<string[]> FieldsOf(PlanInput input) => (await plans.CreateAsync(input, Ct)).Errors.Select(e => e.Field).ToArray();

        Assert.Equal(["RetentionDays"], await FieldsOf(PlanTestKit.Manual("r0", files, pool) with { RetentionDays = 0 }));
        Assert.Equal(["RetentionDays"], await FieldsOf(PlanTestKit.Manual("r9", files, pool) with { RetentionDays = 3651 }));
        Assert.Equal(["Timer"], await FieldsOf(PlanTestKit.Scheduled("t", files, pool) with { Timer = null }));
        Assert.Equal(["TimerDays"], await FieldsOf(PlanTestKit.Scheduled("w", files, pool, new PlanTimer(RepeatCycle.Weekly, [], [new TimeOnly(1, 0)], "UTC"))));
        Assert.Equal(["BackupType"], await FieldsOf(PlanTestKit.Manual("f", files, pool, type: "logical")));
        Assert.Equal(["Selection"], await FieldsOf(PlanTestKit.Manual("s", files, pool) with { Selection = "db1" }));
        Assert.Equal(["InstanceId"], await FieldsOf(PlanTestKit.Manual("k", files, pool, InstanceKind.Redis, "logical")));
        Assert.Equal(["PoolId"], await FieldsOf(PlanTestKit.Manual("p", files, "dbspool-missing0")));
        // No data directory on this host: physical backups are not possible, and the reason says so.
        var physical = await plans.CreateAsync(PlanTestKit.Manual("phys", mysql, pool, InstanceKind.MySql, "physical"), Ct);
        Assert.Equal("BackupType", physical.Errors.Single().Field);
        Assert.Contains("数据目录", physical.ErrorText);
        Assert.Equal(["RelatedPlanId", "BackupType"], (await FieldsOf(PlanTestKit.Manual("inc", mysql, pool, InstanceKind.MySql, "incremental"))).Order().Reverse());
        Assert.Empty(await FieldsOf(PlanTestKit.Manual("tables", mysql, pool, InstanceKind.MySql, "logical") with { Selection = "shop.orders, crm" }));
        Assert.Equal("crm,shop.orders", (await plans.ListAsync(new PlanQuery(), Ct)).Items.Single().Selection);
    }

    [Fact]
    public async Task The_list_filters_searches_and_pages_on_the_server()
    {
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var source = await PlanTestKit.AddDirectoryAsync(host);
        for (var i = 0; i < 25; i++)
            await PlanTestKit.AddPlanAsync(host, i % 5 == 0 ? PlanTestKit.Manual($"manual-{i:00}", source, pool) : PlanTestKit.Scheduled($"sched-{i:00}", source, pool));
        var plans = host.Get<PlanService>();
        var pausedId = (await plans.ListAsync(new PlanQuery(Search: "sched-07"), Ct)).Items.Single().Id;
        await plans.PauseAsync(pausedId, Ct);

        var pages = new List<PlanPage>();
        for (var page = 0; page < 3; page++)
            pages.Add(await plans.ListAsync(new PlanQuery(Page: page, PageSize: 10), Ct));
        var manual = await plans.ListAsync(new PlanQuery(Strategy: PlanStrategy.Manual), Ct);
        var paused = await plans.ListAsync(new PlanQuery(Status: PlanStatus.Paused), Ct);
        var kind = await plans.ListAsync(new PlanQuery(SourceKind: InstanceKind.Redis), Ct);
        var defaultGroup = (await host.Get<ProjectGroupService>().GetDefaultAsync(Ct)).Id;
        var inGroup = await plans.ListAsync(new PlanQuery(ProjectGroupId: defaultGroup), Ct);
        var otherGroup = await plans.ListAsync(new PlanQuery(ProjectGroupId: "pg-elsewhere"), Ct);

        Assert.All(pages, p => Assert.Equal(25, p.Total));
        Assert.Equal([10, 10, 5], pages.Select(p => p.Items.Count));
        Assert.Equal(25, pages.SelectMany(p => p.Items).Select(p => p.Id).Distinct().Count());
        Assert.Equal(5, manual.Total);
        Assert.Equal(["sched-07"], paused.Items.Select(p => p.Name));
        Assert.Equal(0, kind.Total);
        Assert.Equal((25, 0), (inGroup.Total, otherGroup.Total));
    }

    [Fact]
    public async Task A_plan_holding_backup_data_or_built_on_cannot_be_deleted_and_pools_and_instances_in_use_name_their_plans()
    {
        var mariadb = TestServices.RequireMariaDb();
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var mysql = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("db", InstanceKind.MySql, Host: mariadb.Host, Port: mariadb.Port,
            UserName: mariadb.User, Secret: mariadb.Password, DataDirectory: mariadb.DataDir));
        var full = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("full", mysql, pool, InstanceKind.MySql, "physical"));
        var incremental = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("inc", mysql, pool, InstanceKind.MySql, "incremental") with { RelatedPlanId = full });
        var plans = host.Get<PlanService>();

        var fullRefused = await plans.DeleteAsync(full, Ct);
        var poolRefused = await host.Get<StoragePoolService>().UnbindAsync(pool, Ct);
        var instanceRefused = await host.Get<InstanceService>().DeleteAsync(mysql, Ct);
        await using (var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!))
        {
            db.BackupData.Add(new BackupData
            {
                Id = ResourceIds.New(ResourceIds.BackupSet), PlanId = incremental, PoolId = pool, BackupType = "incremental",
                Status = BackupDataStatus.Available, Trigger = "manual", StartedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync(Ct);
        }
        var incRefused = await plans.DeleteAsync(incremental, Ct);

        Assert.Contains("inc", fullRefused.ErrorText);
        Assert.Contains("full", poolRefused.ErrorText);
        Assert.Contains("inc", poolRefused.ErrorText);
        Assert.Contains("full", instanceRefused.ErrorText);
        Assert.Contains("1 份备份数据", incRefused.ErrorText);
        Assert.Equal(2, (await plans.ListAsync(new PlanQuery(), Ct)).Total);
    }

    [Fact]
    public async Task Another_tenant_sees_none_of_the_plans_and_cannot_touch_or_run_them()
    {
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var source = await PlanTestKit.AddDirectoryAsync(host);
        var id = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Scheduled("mine", source, pool));
        var owner = host.Tenant.TenantId!;

        var (other, _) = await host.CreateTenantWithUserAsync("other");
        var plans = host.Get<PlanService>();

        Assert.Equal(0, (await plans.ListAsync(new PlanQuery(), Ct)).Total);
        Assert.Null(await plans.GetAsync(id, Ct));
        Assert.False((await plans.PauseAsync(id, Ct)).Succeeded);
        Assert.False((await plans.DeleteAsync(id, Ct)).Succeeded);
        Assert.False((await plans.UpdateAsync(id, PlanTestKit.Manual("stolen", source, pool), Ct)).Succeeded);
        Assert.False((await host.Get<PlanRunner>().StartAsync(other.Id, id, PlanRunner.ManualTrigger, Ct)).Succeeded);
        Assert.Empty(await host.Get<InstanceService>().ListAsync(null, Ct));
        host.Tenant.ActAs(owner);
        Assert.Equal("mine", (await plans.GetAsync(id, Ct))!.Name);
    }
}
