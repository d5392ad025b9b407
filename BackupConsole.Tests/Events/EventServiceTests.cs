using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Tests.Support;

namespace BackupConsole.Tests.Events;

/// <summary>R-MON-3: one event model for every resource — repeats counted, filters and paging on the server, tenants apart.</summary>
[Trait(CoreTestHost.SuiteTrait, CoreTestHost.CoreSuite)]
public sealed class EventServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task RecordAsync(CoreTestHost host, string resource, string type, EventLevel level, string detail)
    {
        await using var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!);
        await host.Get<EventLog>().RecordAsync(db, resource, type, level, detail, Ct);
        await db.SaveChangesAsync(Ct);
    }

    [Fact]
    public async Task Identical_events_count_up_and_the_list_filters_by_level_resource_kind_id_type_and_period()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        await RecordAsync(host, "dbs-one", "BackupFailed", EventLevel.Warning, "dbsbak-1: refused");
        await RecordAsync(host, "dbs-one", "BackupFailed", EventLevel.Warning, "dbsbak-1: refused");
        await RecordAsync(host, "dbs-one", "BackupSucceeded", EventLevel.Info, "dbsbak-2");
        await RecordAsync(host, "dbsgw-gate", "GatewayCreated", EventLevel.Info, "gate");
        await RecordAsync(host, "dbspool-main", "PoolOffline", EventLevel.Critical, "main");
        await RecordAsync(host, "inst-db", "InstanceOffline", EventLevel.Warning, "db");
        var service = host.Get<EventService>();

        var all = await service.ListAsync(new EventQuery(), Ct);
        var warnings = await service.ListAsync(new EventQuery(Level: EventLevel.Warning), Ct);
        var plans = await service.ListAsync(new EventQuery(ResourceKind: EventResourceKind.Plan), Ct);
        var gateways = await service.ListAsync(new EventQuery(ResourceKind: EventResourceKind.Gateway), Ct);
        var one = await service.ListAsync(new EventQuery(ResourceId: "dbspool-main"), Ct);
        var typed = await service.ListAsync(new EventQuery(Type: "BackupSucceeded"), Ct);
        var future = await service.ListAsync(new EventQuery(From: DateTimeOffset.UtcNow.AddHours(1)), Ct);
        var paged = await service.ListAsync(new EventQuery(Page: 1, PageSize: 2), Ct);

        Assert.Equal(5, all.Total);
        Assert.Equal(2, all.Items.Single(e => e.Type == "BackupFailed").Count);
        Assert.Equal(["BackupFailed", "InstanceOffline"], warnings.Items.Select(e => e.Type).Order());
        Assert.Equal(2, plans.Total);
        Assert.Equal("GatewayCreated", gateways.Items.Single().Type);
        Assert.Equal("PoolOffline", one.Items.Single().Type);
        Assert.Equal("dbsbak-2", typed.Items.Single().Detail);
        Assert.Equal(0, future.Total);
        Assert.Equal((2, 5), (paged.Items.Count, paged.Total));
        Assert.Equal(EventResourceKind.StoragePool, EventService.KindOf("dbspool-main"));
        Assert.Contains("BackupFailed", await service.TypesAsync(Ct));

        await host.CreateTenantWithUserAsync("globex");
        Assert.Equal(0, (await service.ListAsync(new EventQuery(), Ct)).Total);
        Assert.Empty(await service.TypesAsync(Ct));
    }
}
