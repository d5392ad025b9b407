using BackupConsole.Components.Pages.Alerts;
using BackupConsole.Components.Pages.Plans;
using BackupConsole.Core.Alerts;
using BackupConsole.Core.Data;
using BackupConsole.Core.Instances;
using BackupConsole.Core.StoragePools;
using BackupConsole.Tests.Plans;
using BackupConsole.Tests.Support;
using Bunit;

namespace BackupConsole.Tests.Components;

/// <summary>R-MON-2 in the UI: 修改监控告警 from the plan list (not for snapshot plans), the rules dialog, and the alerts page with its channels.</summary>
public sealed class AlertsPageTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_plan_list_offers_alert_rules_except_for_snapshot_plans_and_the_dialog_saves_a_rule()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx) = await ComponentTestContext.ForTenantUserAsync(CoreTestHost.StartAsync());
        await using var _ = core;
        await using var __ = ctx;
        var pool = (await core.Get<StoragePoolService>().BindPlatformAsync(new PlatformPoolInput("main", null, null), Ct)).Value!.Id;
        var files = await PlanTestKit.AddDirectoryAsync(core);
        await PlanTestKit.AddPlanAsync(core, PlanTestKit.Manual("files", files, pool));
        var redis = await PlanTestKit.AddInstanceAsync(core, new InstanceInput("cache", InstanceKind.Redis, Host: "cache.internal", Port: 6379));
        var plan = await PlanTestKit.AddPlanAsync(core, PlanTestKit.Manual("cache", redis, pool, InstanceKind.Redis, "logical"));
        await core.Get<AlertService>().CreateChannelAsync(new ChannelInput("ops", ChannelKind.Webhook, "https://hooks.example/a", "a-long-enough-secret"), Ct);

        var page = ctx.RenderWithProviders<PlansPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=plan-alerts]").Count));
        var rows = page.FindAll("[data-testid=plans-table] tbody tr");
        Assert.True(rows.Single(r => r.TextContent.Contains("files")).QuerySelector("[data-testid=plan-alerts]")!.HasAttribute("disabled"));
        await page.InvokeAsync(() => page.FindAll("[data-testid=plans-table] tbody tr").Single(r => r.TextContent.Contains("cache"))
            .QuerySelector("[data-testid=plan-alerts]")!.Click());

        page.WaitForAssertion(() => Assert.Contains("此计划尚未设置告警规则", page.Find("[data-testid=alert-rules-dialog]").TextContent));
        // The form starts on 备份失败 with the tenant's first channel chosen.
        await page.InvokeAsync(() => page.Find("[data-testid=alert-rule-save]").Click());

        page.WaitForAssertion(() => Assert.Contains("备份失败", page.Find("[data-testid=alert-rules]").TextContent));
        Assert.Contains("ops", page.Find("[data-testid=alert-rules]").TextContent);
        var rule = (await core.Get<AlertService>().ListRulesAsync(plan, Ct)).Single();
        Assert.Equal(AlertMetric.BackupFailed, rule.Metric);
    }

    [Fact]
    public async Task The_alerts_page_lists_firing_alerts_and_adds_a_webhook_channel_with_field_errors_first()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx) = await ComponentTestContext.ForTenantUserAsync(CoreTestHost.StartAsync());
        await using var _ = core;
        await using var __ = ctx;
        var pool = (await core.Get<StoragePoolService>().BindPlatformAsync(new PlatformPoolInput("main", null, null), Ct)).Value!.Id;
        var redis = await PlanTestKit.AddInstanceAsync(core, new InstanceInput("cache", InstanceKind.Redis, Host: "cache.internal", Port: 6379));
        var plan = await PlanTestKit.AddPlanAsync(core, PlanTestKit.Manual("cache", redis, pool, InstanceKind.Redis, "logical"));
        await using (var db = core.Get<TenantDbFactory>().ForTenant(core.Tenant.TenantId!))
        {
            db.AlertRecords.Add(new AlertRecord
            {
                RuleId = "alarm-x", PlanId = plan, Metric = AlertMetric.CpuPercent, Status = AlertRecordStatus.Firing, Value = 93, Threshold = 80,
                FiredAt = DateTimeOffset.UtcNow, Delivery = "ops: ok",
            });
            await db.SaveChangesAsync(Ct);
        }

        var page = ctx.RenderWithProviders<AlertsPage>();

        page.WaitForAssertion(() => Assert.Contains("CPU 使用率", page.Find("[data-testid=alerts-table]").TextContent));
        Assert.Contains("93 / 80", page.Find("[data-testid=alerts-table]").TextContent);
        Assert.Contains("cache", page.Find("[data-testid=alerts-table]").TextContent);

        await page.InvokeAsync(() => page.FindAll(".mud-tab").Single(t => t.TextContent.Contains("通知渠道")).Click());
        page.WaitForElement("input[data-testid=channel-name]").Change("ops hook");
        page.Find("input[data-testid=channel-url]").Change("http://169.254.169.254/x");
        page.Find("input[data-testid=channel-secret]").Change("short");
        await page.InvokeAsync(() => page.Find("[data-testid=channel-create]").Click());
        page.WaitForAssertion(() => Assert.Contains("签名密钥须为 16–256 个字符", page.Markup));
        Assert.Contains("链路本地", page.Markup);

        page.Find("input[data-testid=channel-url]").Change("https://hooks.example/backup");
        page.Find("input[data-testid=channel-secret]").Change("a-long-enough-secret");
        await page.InvokeAsync(() => page.Find("[data-testid=channel-create]").Click());

        page.WaitForAssertion(() => Assert.Contains("https://hooks.example/backup", page.Find("[data-testid=channels-table]").TextContent));
        Assert.DoesNotContain("a-long-enough-secret", page.Markup);
    }
}
