using BackupConsole.Components.Pages.Alerts;
using BackupConsole.Components.Pages.Events;
using BackupConsole.Components.Pages.Gateways;
using BackupConsole.Components.Pages.Instances;
using BackupConsole.Components.Pages.Plans;
using BackupConsole.Components.Pages.StoragePools;
using BackupConsole.Core.Alerts;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.StoragePools;
using BackupConsole.Tests.Plans;
using BackupConsole.Tests.Support;
using Bunit;

namespace BackupConsole.Tests.Components;

/// <summary>
/// #11: every page walked by a signed-in user of tenant A while tenant B has a pool, a source, a plan and a backup.
/// The pages that take an id show "not found" for B's ids; every list shows none of B's names or ids. (The
/// services under them are walked in Tenancy/TenantIsolationTests, the REST API in Api/ApiTenantIsolationTests.)
/// </summary>
public sealed class PageTenantIsolationTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Another_tenants_ids_are_not_found_and_its_rows_are_in_no_list()
    {
        ComponentTestContext.UseCulture("zh-CN");
        await using var core = await CoreTestHost.StartAsync();

        await core.CreateTenantWithUserAsync("beta");
        var (betaPool, betaSource, betaPlan, betaBackup) = await ResourcesAsync(core, "beta");
        string[] betaMarks = ["beta-pool", "beta-files", "beta-plan", "beta-gateway", "beta-hook", betaPool, betaSource, betaPlan, betaBackup];

        await core.CreateTenantWithUserAsync("acme");
        var (_, _, acmePlan, _) = await ResourcesAsync(core, "acme");
        await using var ctx = ComponentTestContext.Create(core, culture: null);
        ctx.SignIn("acme-user", "acme");

        var detail = ctx.RenderWithProviders<PlanDetailPage>(("PlanId", betaPlan));
        detail.WaitForAssertion(() => Assert.Contains("备份计划不存在", detail.Find("[data-testid=plan-not-found]").TextContent));
        NoneOf(betaMarks.Except([betaPlan]), detail.Markup, "plan detail");

        await ctx.DisposeComponentsAsync();
        var backups = ctx.RenderWithProviders<PoolBackupsPage>(("PoolId", betaPool));
        backups.WaitForAssertion(() => Assert.NotEmpty(backups.FindAll("[data-testid=pool-not-found]")));
        NoneOf(betaMarks.Except([betaPool]), backups.Markup, "pool backups");

        // Each list is read once acme's own row is on it.
        foreach (var (name, page, acmeMark) in new (string, Func<IRenderedComponent<Bunit.Rendering.ContainerFragment>>, string)[]
        {
            ("plans", () => ctx.RenderWithProviders<PlansPage>(), "acme-plan"),
            ("instances", () => ctx.RenderWithProviders<InstancesPage>(), "acme-files"),
            ("pools", () => ctx.RenderWithProviders<StoragePoolsPage>(), "acme-pool"),
            ("gateways", () => ctx.RenderWithProviders<GatewaysPage>(), "acme-gateway"),
            ("events", () => ctx.RenderWithProviders<EventsPage>(), acmePlan),
        })
        {
            await ctx.DisposeComponentsAsync();
            var rendered = page();
            rendered.WaitForAssertion(() => Assert.Contains(acmeMark, rendered.Markup), TimeSpan.FromSeconds(10));
            NoneOf(betaMarks, rendered.Markup, name);
        }
        await ctx.DisposeComponentsAsync();
        var alerts = ctx.RenderWithProviders<AlertsPage>();
        await alerts.InvokeAsync(() => alerts.WaitForElements(".mud-tab").Single(t => t.TextContent.Contains("通知渠道")).Click());
        alerts.WaitForAssertion(() => Assert.Contains("acme-hook", alerts.Markup), TimeSpan.FromSeconds(10));
        NoneOf(betaMarks, alerts.Markup, "alerts");
    }

    /// <summary>A pool, a directory source, a plan with one backup, a gateway and a webhook channel, named after the tenant.</summary>
    private static async Task<(string Pool, string Source, string Plan, string Backup)> ResourcesAsync(CoreTestHost core, string tenant)
    {
        var pool = (await core.Get<StoragePoolService>().BindPlatformAsync(new PlatformPoolInput($"{tenant}-pool", null, null), Ct)).Value!.Id;
        var source = await PlanTestKit.AddDirectoryAsync(core, $"{tenant}-files");
        var plan = await PlanTestKit.AddPlanAsync(core, PlanTestKit.Manual($"{tenant}-plan", source, pool));
        var backup = await PlanTestKit.RunAsync(core, plan);
        Assert.True((await core.Get<GatewayService>().CreateAsync(new GatewayInput($"{tenant}-gateway", "203.0.113.10", 100, null, []), Ct)).Succeeded);
        Assert.True((await core.Get<AlertService>().CreateChannelAsync(new ChannelInput($"{tenant}-hook", ChannelKind.Webhook, "https://hooks.example.com/x", "a-long-enough-signing-secret"), Ct)).Succeeded);
        return (pool, source, plan, backup);
    }

    private static void NoneOf(IEnumerable<string> marks, string markup, string page)
    {
        foreach (var mark in marks)
            Assert.False(markup.Contains(mark, StringComparison.Ordinal), $"the {page} page shows another tenant's '{mark}'");
    }
}
