using BackupConsole.Components.Pages.Events;
using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Tests.Support;
using Bunit;

namespace BackupConsole.Tests.Components;

/// <summary>The global 事件 page (R-MON-3): localized types and levels, counts, and the level filter applied on the server.</summary>
public sealed class EventsPageTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_events_page_lists_every_resources_events_with_counts_and_filters_by_level()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx) = await ComponentTestContext.ForTenantUserAsync(CoreTestHost.StartAsync());
        await using var _ = core;
        await using var __ = ctx;
        await using (var db = core.Get<TenantDbFactory>().ForTenant(core.Tenant.TenantId!))
        {
            var log = core.Get<EventLog>();
            await log.RecordAsync(db, "dbs-nightly", "BackupFailed", EventLevel.Warning, "dbsbak-1: source offline", Ct);
            await db.SaveChangesAsync(Ct);
            await log.RecordAsync(db, "dbs-nightly", "BackupFailed", EventLevel.Warning, "dbsbak-1: source offline", Ct);
            await log.RecordAsync(db, "dbspool-main", "BackupDataImported", EventLevel.Info, "3 / 3", Ct);
            await db.SaveChangesAsync(Ct);
        }

        var page = ctx.RenderWithProviders<EventsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=events-table] tbody tr").Count));
        var failed = page.FindAll("[data-testid=events-table] tbody tr").Single(r => r.TextContent.Contains("备份失败"));
        Assert.Equal("2", failed.QuerySelector("[data-testid=event-count]")!.TextContent.Trim());
        Assert.Equal("警告", failed.QuerySelector("[data-testid=event-level]")!.TextContent.Trim());
        Assert.Contains("备份计划", failed.TextContent);
        Assert.NotNull(failed.QuerySelector("a[href='plans/dbs-nightly']"));

        // Choosing 信息 in the level select, as its list item would.
        var level = page.FindComponent<MudBlazor.MudSelect<EventLevel?>>();
        await page.InvokeAsync(() => level.Instance.ValueChanged.InvokeAsync(EventLevel.Info));

        page.WaitForAssertion(() => Assert.Contains("从存储池导入备份数据", page.Find("[data-testid=events-table] tbody").TextContent));
        Assert.Single(page.FindAll("[data-testid=events-table] tbody tr"));
    }
}
