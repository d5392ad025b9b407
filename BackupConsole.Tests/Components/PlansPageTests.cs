using BackupConsole.Components.Pages.Instances;
using BackupConsole.Components.Pages.Plans;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Core.StoragePools;
using BackupConsole.Tests.Plans;
using BackupConsole.Tests.Support;
using Bunit;

namespace BackupConsole.Tests.Components;

/// <summary>The 实例 page and the 备份计划 list and dialog (R-PLAN-1, 3, 7, 10) rendered with bUnit over Core's real services.</summary>
public sealed class PlansPageTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static async Task<(CoreTestHost Core, BunitContext Ctx, string Pool)> StartAsync()
    {
        var (core, ctx) = await ComponentTestContext.ForTenantUserAsync(CoreTestHost.StartAsync());
        var pool = await core.Get<StoragePoolService>().BindPlatformAsync(new PlatformPoolInput("main", null, null), Ct);
        return (core, ctx, pool.Value!.Id);
    }

    [Fact]
    public async Task The_plan_list_shows_every_column_the_guide_names_with_the_timer_as_text()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx, pool) = await StartAsync();
        await using var _ = core;
        await using var __ = ctx;
        var source = await PlanTestKit.AddDirectoryAsync(core);
        var id = await PlanTestKit.AddPlanAsync(core, PlanTestKit.Scheduled("nightly", source, pool,
            new PlanTimer(RepeatCycle.Weekly, [1, 3], [new TimeOnly(2, 0)], "Asia/Shanghai")));

        var page = ctx.RenderWithProviders<PlansPage>();

        var headers = page.WaitForElements("[data-testid=plans-table] th").Select(h => h.TextContent.Trim()).ToList();
        Assert.Equal(["名称", "资源ID", "状态", "存储池", "源数据类型", "源数据地域", "源数据", "备份策略", "定时器", "备份类型", "备份保留时间(天)", "关联计划", "创建时间", "更新时间", "操作"], headers);
        page.WaitForAssertion(() => Assert.Contains(id, page.Find("[data-testid=plans-table] tbody tr").TextContent));
        var row = page.Find("[data-testid=plans-table] tbody tr").TextContent;
        Assert.Contains("可用", row);
        Assert.Contains("文件存储", row);
        Assert.Contains("定时执行", row);
        Assert.Contains("快照备份", row);
        Assert.Equal("每周一、周三 02:00（Asia/Shanghai）", page.Find("[data-testid=plan-timer]").TextContent.Trim());
    }

    [Fact]
    public async Task Pausing_from_the_list_shows_the_plan_paused_and_offers_resume()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx, pool) = await StartAsync();
        await using var _ = core;
        await using var __ = ctx;
        var source = await PlanTestKit.AddDirectoryAsync(core);
        await PlanTestKit.AddPlanAsync(core, PlanTestKit.Scheduled("nightly", source, pool));
        var page = ctx.RenderWithProviders<PlansPage>();

        page.WaitForElement("[data-testid=pause-plan]").Click();

        page.WaitForAssertion(() => Assert.Equal("已暂停", page.Find("[data-testid=plan-status]").TextContent.Trim()));
        Assert.NotNull(page.Find("[data-testid=resume-plan]"));
    }

    [Fact]
    public async Task The_create_dialog_refuses_a_bad_timer_and_then_creates_a_manual_plan()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx, _) = await StartAsync();
        await using var host = core;
        await using var __ = ctx;
        await PlanTestKit.AddDirectoryAsync(core);
        var page = ctx.RenderWithProviders<PlansPage>();

        page.WaitForElement("[data-testid=create-plan]").Click();
        page.WaitForElement("input[data-testid=plan-name]").Change("files nightly");
        page.Find("input[data-testid=plan-times]").Input("25:00");
        // The tenant's only instance is a directory: the dialog starts on file storage, its instance and snapshot type.
        page.Find("[data-testid=plan-submit]").Click();
        page.WaitForAssertion(() => Assert.Contains("请设置 1–24 个互不相同的执行时间", page.Find("[data-testid=plan-dialog]").TextContent));
        Assert.Contains("填写有效的执行时间和时区后", page.Find("[data-testid=plan-timer-preview]").TextContent);
        page.Find("input[data-testid=plan-times]").Input("03:30");
        page.WaitForAssertion(() => Assert.Contains("每天 03:30（", page.Find("[data-testid=plan-timer-preview]").TextContent));
        Assert.Contains("下次执行", page.Find("[data-testid=plan-timer-preview]").TextContent);

        page.Find("[data-testid=strategy-manual]").Click();
        page.Find("[data-testid=plan-submit]").Click();

        page.WaitForAssertion(() => Assert.Contains("files nightly", page.Find("[data-testid=plans-table] tbody").TextContent));
        Assert.Equal(PlanStrategy.Manual, (await host.Get<PlanService>().ListAsync(new PlanQuery(), Ct)).Items.Single().Strategy);
    }

    [Fact]
    public async Task The_instance_list_says_which_backup_types_each_source_supports_here()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx, _) = await StartAsync();
        await using var __ = core;
        await using var ___ = ctx;
        await PlanTestKit.AddInstanceAsync(core, new InstanceInput("remote db", InstanceKind.MySql, Host: "db.example", UserName: "u", Secret: "p"));

        var page = ctx.RenderWithProviders<InstancesPage>();

        page.WaitForAssertion(() => Assert.Contains("remote db", page.Find("[data-testid=instances-table] tbody").TextContent));
        var types = page.Find("[data-testid=instance-backup-types]");
        Assert.Equal(4, types.QuerySelectorAll(".mud-chip").Length);
        Assert.Single(types.QuerySelectorAll(".mud-chip-filled"));
        Assert.Contains("逻辑备份", types.QuerySelector(".mud-chip-filled")!.TextContent);
        Assert.Contains("db.example:3306", page.Find("[data-testid=instances-table] tbody").TextContent);
    }
    [Fact]
    public async Task The_update_dialog_shows_the_instances_fields_and_keeps_its_secret_when_left_empty()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx, _) = await StartAsync();
        await using var __ = core;
        await using var ___ = ctx;
        var id = await PlanTestKit.AddInstanceAsync(core, new InstanceInput("cache", InstanceKind.Redis, Host: "cache.internal", Port: 6380, Secret: "keep-me", RedisDatabase: 2));
        var page = ctx.RenderWithProviders<InstancesPage>();

        page.WaitForElement("[data-testid=update-instance]").Click();
        page.WaitForAssertion(() => Assert.Equal("cache.internal", page.Find("input[data-testid=instance-host]").GetAttribute("value")));
        Assert.Equal("6380", page.Find("input[data-testid=instance-port]").GetAttribute("value"));
        Assert.Equal("", page.Find("input[data-testid=instance-secret]").GetAttribute("value") ?? "");
        page.Find("input[data-testid=instance-name]").Change("cache renamed");
        page.Find("[data-testid=instance-submit]").Click();

        page.WaitForAssertion(() => Assert.Contains("cache renamed", page.Find("[data-testid=instances-table] tbody").TextContent));
        var saved = (await core.Get<InstanceService>().GetAsync(id, Ct))!;
        Assert.Equal(("cache.internal:6380/2", true), (saved.Address, saved.HasSecret));
    }
    [Fact]
    public async Task The_detail_page_shows_basic_information_and_the_backup_data_with_their_sizes_and_times()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx, pool) = await StartAsync();
        await using var __ = core;
        await using var ___ = ctx;
        var source = await PlanTestKit.AddDirectoryAsync(core);
        var planId = await PlanTestKit.AddPlanAsync(core, PlanTestKit.Scheduled("nightly", source, pool));
        var backupId = await PlanTestKit.RunAsync(core, planId);

        var page = ctx.RenderWithProviders<PlanDetailPage>(("PlanId", planId));

        page.WaitForAssertion(() => Assert.Contains(backupId, page.Find("[data-testid=backup-data-table] tbody").TextContent));
        var basic = page.Find("[data-testid=plan-basic]").TextContent;
        Assert.Contains("每天 02:00（Asia/Shanghai）", basic);
        Assert.Contains("下次执行", basic);
        Assert.Contains("files", basic);
        var headers = page.FindAll("[data-testid=backup-data-table] th").Select(h => h.TextContent.Trim()).ToList();
        Assert.Equal(["资源ID", "备份类型", "状态", "大小", "开始时间", "结束时间", "耗时", "基础备份", "校验", "操作"], headers);
        Assert.Equal("未校验", page.Find("[data-testid=backup-verification]").TextContent.Trim());
        Assert.Equal("可用", page.Find("[data-testid=backup-status]").TextContent.Trim());
        Assert.Contains("备份成功", page.Find("[data-testid=event-table]").TextContent);
    }

    [Fact]
    public async Task From_the_detail_page_a_backup_is_restored_with_progress_and_summary_verified_then_deleted_after_confirmation()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx, pool) = await StartAsync();
        await using var __ = core;
        await using var ___ = ctx;
        var source = await PlanTestKit.AddDirectoryAsync(core);
        var planId = await PlanTestKit.AddPlanAsync(core, PlanTestKit.Manual("files", source, pool));
        var backupId = await PlanTestKit.RunAsync(core, planId);
        var page = ctx.RenderWithProviders<PlanDetailPage>(("PlanId", planId));

        page.WaitForElement("[data-testid=restore-backup]").Click();
        var directory = page.WaitForElement("input[data-testid=restore-directory]").GetAttribute("value");
        page.Find("[data-testid=restore-submit]").Click();

        page.WaitForAssertion(() => Assert.Equal("Succeeded", page.Find("[data-testid=restore-dialog] [data-testid=restore-job]").GetAttribute("data-status")),
            TimeSpan.FromSeconds(20));
        var dialog = page.Find("[data-testid=restore-dialog]").TextContent;
        Assert.Contains("恢复成功", dialog);
        Assert.Contains($"ls -la {directory}", page.Find("[data-testid=restore-summary]").TextContent);
        Assert.Contains("已完成 2 / 2 项", page.Find("[data-testid=restore-counters]").TextContent);
        Assert.True(File.Exists(Path.Combine(directory!, "a.txt")));
        await page.InvokeAsync(() => page.Find("[data-testid=restore-close]").Click());
        page.WaitForAssertion(() => Assert.Contains(backupId, page.Find("[data-testid=restore-jobs]").TextContent));

        // The restore's end reloads the table: find and click in one step on the renderer.
        await page.InvokeAsync(() => page.Find("[data-testid=verify-backup]").Click());
        page.WaitForAssertion(() => Assert.StartsWith("校验通过", page.Find("[data-testid=backup-verification]").TextContent.Trim()), TimeSpan.FromSeconds(10));

        await page.InvokeAsync(() => page.Find("[data-testid=delete-backup]").Click());
        page.WaitForAssertion(() => Assert.Contains(backupId, page.Find(".mud-message-box").TextContent));
        await page.InvokeAsync(() => page.FindAll(".mud-message-box button").Single(b => b.TextContent.Trim() == "删除").Click());
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=no-backup-data]")), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_restore_dialog_shows_field_errors_and_starts_nothing_for_a_directory_outside_the_roots()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx, pool) = await StartAsync();
        await using var __ = core;
        await using var ___ = ctx;
        var source = await PlanTestKit.AddDirectoryAsync(core);
        var planId = await PlanTestKit.AddPlanAsync(core, PlanTestKit.Manual("files", source, pool));
        await PlanTestKit.RunAsync(core, planId);
        var page = ctx.RenderWithProviders<PlanDetailPage>(("PlanId", planId));

        page.WaitForElement("[data-testid=restore-backup]").Click();
        page.WaitForElement("input[data-testid=restore-directory]").Change("/etc/restored");
        page.Find("[data-testid=restore-submit]").Click();

        page.WaitForAssertion(() => Assert.Contains("目录须位于允许的恢复目录下", page.Find("[data-testid=restore-dialog]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=restore-dialog] [data-testid=restore-job]"));
        Assert.Empty(await core.Get<Core.Restores.RestoreService>().ListAsync(planId, ct: Ct));
    }

    [Fact]
    public async Task The_monitoring_tab_draws_four_series_from_the_plans_samples_and_snapshot_plans_say_why_they_have_none()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx, pool) = await StartAsync();
        await using var __ = core;
        await using var ___ = ctx;
        var source = await PlanTestKit.AddDirectoryAsync(core);
        var snapshotPlan = await PlanTestKit.AddPlanAsync(core, PlanTestKit.Manual("files", source, pool));
        var redis = await PlanTestKit.AddInstanceAsync(core, new InstanceInput("cache", InstanceKind.Redis, Host: "cache.internal", Port: 6379));
        var logicalPlan = await PlanTestKit.AddPlanAsync(core, PlanTestKit.Manual("cache", redis, pool, InstanceKind.Redis, "logical"));
        var now = DateTimeOffset.UtcNow;
        await using (var db = core.Get<Core.Data.TenantDbFactory>().ForTenant(core.Tenant.TenantId!))
        {
            for (var i = 0; i < 3; i++)
                db.PlanMetrics.Add(new Core.Monitoring.PlanMetric
                {
                    PlanId = logicalPlan, RunId = "dbsbak-x", AtMs = now.AddMinutes(-10 + i).ToUnixTimeMilliseconds(), CpuPercent = 10 + i,
                    MemoryBytes = 100_000_000, NetInBytesPerSecond = 5_000_000, NetOutBytesPerSecond = 1_000_000,
                });
            await db.SaveChangesAsync(Ct);
        }

        var monitored = ctx.RenderWithProviders<PlanDetailPage>(("PlanId", logicalPlan));
        // The snapshot plan's tab alone: one page with providers per context.
        var snapshot = ctx.Render<PlanMonitoring>(p => p.Add(m => m.PlanId, snapshotPlan).Add(m => m.BackupType, "snapshot"));

        monitored.WaitForAssertion(() => Assert.Equal(4, monitored.FindAll("[data-testid=monitoring-charts] [data-points='3']").Count));
        Assert.Equal(["CPU 使用率", "内存使用量", "网络入流量", "网络出流量"], monitored.FindAll("[data-testid=monitoring-charts] .bc-chart > .mud-typography").Select(h => h.TextContent.Trim()));
        Assert.Contains("控制台进程", monitored.Find("[data-testid=monitoring-explained]").TextContent);
        Assert.Empty(monitored.FindAll("[data-testid=monitoring-empty]"));
        snapshot.WaitForAssertion(() => Assert.Contains("快照类型的备份计划不展示监控数据", snapshot.Find("[data-testid=monitoring-snapshot]").TextContent));
        Assert.Empty(snapshot.FindAll("[data-testid=monitoring-charts]"));
    }

    [Fact]
    public async Task Another_tenants_plan_is_not_found_on_the_detail_page()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx, _) = await StartAsync();
        await using var __ = core;
        await using var ___ = ctx;

        var page = ctx.RenderWithProviders<PlanDetailPage>(("PlanId", "dbs-elsewhere"));

        page.WaitForAssertion(() => Assert.Contains("备份计划不存在", page.Find("[data-testid=plan-not-found]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=backup-data-table]"));
    }
}
