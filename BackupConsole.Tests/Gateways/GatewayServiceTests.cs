using System.Globalization;
using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.Tags;
using BackupConsole.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupConsole.Tests.Gateways;

/// <summary>The gateway rules of R-GW-1…6, in Core.</summary>
[Trait(CoreTestHost.SuiteTrait, CoreTestHost.CoreSuite)]
public sealed class GatewayServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static GatewayInput Input(string name = "edge", string ip = "203.0.113.10", int mbps = 100, string? group = null, IReadOnlyList<Tag>? tags = null) =>
        new(name, ip, mbps, group, tags ?? [new Tag("env", "prod")]);

    private static async Task<List<ResourceEvent>> EventsAsync(CoreTestHost host, string resourceId)
    {
        await using var db = await host.Get<IDbContextFactory<BackupDbContext>>().CreateDbContextAsync(Ct);
        return await db.Events.Where(e => e.ResourceId == resourceId).OrderBy(e => e.Id).ToListAsync(Ct);
    }

    [Fact]
    public async Task Create_makes_a_running_gateway_in_the_default_project_group_with_its_tags()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("acme");

        var result = await host.Get<GatewayService>().CreateAsync(Input(), Ct);

        Assert.True(result.Succeeded, result.ErrorText);
        var gateway = result.Value!;
        Assert.Matches("^dbsgw-[a-z0-9]{8}$", gateway.Id);
        Assert.Equal(GatewayStatus.Running, gateway.Status);
        Assert.True(gateway.ProjectGroupIsDefault);
        Assert.Equal([new Tag("env", "prod")], (await host.Get<GatewayService>().ListAsync(Ct)).Single().Tags);
        Assert.Equal(100, host.Get<GatewayLimiters>().For(gateway.Id, 1).Mbps);
        Assert.Equal(["GatewayCreated"], (await EventsAsync(host, gateway.Id)).Select(e => e.Type));
    }

    [Theory]
    [InlineData("zh-CN", "每个租户只能创建一个备份网关")]
    [InlineData("en-US", "only one backup gateway")]
    public async Task A_second_gateway_of_a_tenant_is_refused_naming_the_first(string culture, string message)
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        var gateways = host.Get<GatewayService>();
        Assert.True((await gateways.CreateAsync(Input("first"), Ct)).Succeeded);
        CultureInfo.CurrentUICulture = new CultureInfo(culture);

        var second = await gateways.CreateAsync(Input("second"), Ct);

        Assert.False(second.Succeeded);
        Assert.Contains(message, second.ErrorText);
        Assert.Contains("first", second.ErrorText);
        Assert.Single(await gateways.ListAsync(Ct));
    }

    [Fact]
    public async Task Another_tenant_still_creates_its_own_gateway()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("a");
        Assert.True((await host.Get<GatewayService>().CreateAsync(Input(), Ct)).Succeeded);
        await host.CreateTenantWithUserAsync("b");

        Assert.True((await host.Get<GatewayService>().CreateAsync(Input(), Ct)).Succeeded);
        Assert.Single(await host.Get<GatewayService>().ListAsync(Ct));
    }

    [Theory]
    [InlineData("", "203.0.113.10", 100, "Name")]
    [InlineData("edge", "1.2.3", 100, "PublicIp")]
    [InlineData("edge", "127.0.0.1", 100, "PublicIp")]
    [InlineData("edge", "203.0.113.10", 0, "BandwidthMbps")]
    [InlineData("edge", "203.0.113.10", 10_001, "BandwidthMbps")]
    public async Task Invalid_input_is_refused_on_its_field_and_nothing_is_stored(string name, string ip, int mbps, string field)
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("acme");

        var result = await host.Get<GatewayService>().CreateAsync(Input(name, ip, mbps), Ct);

        Assert.Equal(field, Assert.Single(result.Errors).Field);
        Assert.Empty(await host.Get<GatewayService>().ListAsync(Ct));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10_000)]
    public async Task The_bandwidth_bounds_are_inclusive(int mbps)
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("acme");

        Assert.True((await host.Get<GatewayService>().CreateAsync(Input(mbps: mbps), Ct)).Succeeded);
    }

    [Fact]
    public async Task Another_tenants_project_group_and_duplicate_tag_keys_are_refused()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("b");
        var groupOfB = await host.Get<BackupConsole.Core.Tenancy.ProjectGroupService>().GetDefaultAsync(Ct);
        await host.CreateTenantWithUserAsync("a");

        var result = await host.Get<GatewayService>().CreateAsync(Input(group: groupOfB.Id, tags: [new Tag("k", "1"), new Tag("k", "2")]), Ct);

        Assert.Equal(["ProjectGroupId", "Tags"], result.Errors.Select(e => e.Field).Order());
    }

    [Fact]
    public async Task Adjusting_the_bandwidth_updates_the_gateway_and_its_limiter()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        var gateway = (await host.Get<GatewayService>().CreateAsync(Input(), Ct)).Value!;

        Assert.True((await host.Get<GatewayService>().AdjustBandwidthAsync(gateway.Id, 250, Ct)).Succeeded);

        Assert.Equal(250, (await host.Get<GatewayService>().ListAsync(Ct)).Single().BandwidthMbps);
        Assert.Equal(250, host.Get<GatewayLimiters>().For(gateway.Id, 1).Mbps);
        var changed = (await EventsAsync(host, gateway.Id)).Last();
        Assert.Equal("GatewayBandwidthChanged", changed.Type);
        Assert.Equal("100 → 250 Mbps", changed.Detail);
    }

    [Fact]
    public async Task The_public_ip_changes_from_IPv4_to_IPv6_canonicalized()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        var gateway = (await host.Get<GatewayService>().CreateAsync(Input(), Ct)).Value!;

        Assert.True((await host.Get<GatewayService>().ChangePublicIpAsync(gateway.Id, "2001:DB8:0:0::10", Ct)).Succeeded);

        Assert.Equal("2001:db8::10", (await host.Get<GatewayService>().ListAsync(Ct)).Single().PublicIp);
        Assert.Equal("GatewayPublicIpChanged", (await EventsAsync(host, gateway.Id)).Last().Type);
    }

    [Fact]
    public async Task Delete_removes_the_gateway_its_tags_and_its_limiter()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        var gateway = (await host.Get<GatewayService>().CreateAsync(Input(), Ct)).Value!;
        var limiter = host.Get<GatewayLimiters>().For(gateway.Id, 1);

        Assert.True((await host.Get<GatewayService>().DeleteAsync(gateway.Id, Ct)).Succeeded);

        Assert.Empty(await host.Get<GatewayService>().ListAsync(Ct));
        Assert.Empty(await host.Get<TagService>().GetTagsAsync([gateway.Id], Ct));
        Assert.NotSame(limiter, host.Get<GatewayLimiters>().For(gateway.Id, 1));
        Assert.Equal("GatewayDeleted", (await EventsAsync(host, gateway.Id)).Last().Type);
    }

    [Fact]
    public async Task Delete_is_refused_while_something_needs_the_gateway_naming_it()
    {
        await using var host = await CoreTestHost.StartAsync(services: s => s.AddSingleton<IGatewayDeletionBlocker>(new Blocker(["offsite (dbspool-aaaaaaaa)"])));
        await host.CreateTenantWithUserAsync("acme");
        var gateway = (await host.Get<GatewayService>().CreateAsync(Input(), Ct)).Value!;

        var refused = await host.Get<GatewayService>().DeleteAsync(gateway.Id, Ct);

        Assert.False(refused.Succeeded);
        Assert.Contains("offsite (dbspool-aaaaaaaa)", refused.ErrorText);
        Assert.Equal(GatewayStatus.Running, (await host.Get<GatewayService>().ListAsync(Ct)).Single().Status);
    }

    [Fact]
    public async Task Another_tenant_cannot_change_or_delete_the_gateway_by_id()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("a");
        var gateway = (await host.Get<GatewayService>().CreateAsync(Input(), Ct)).Value!;
        var (_, _) = await host.CreateTenantWithUserAsync("b");
        var gateways = host.Get<GatewayService>();

        Assert.False((await gateways.AdjustBandwidthAsync(gateway.Id, 5, Ct)).Succeeded);
        Assert.False((await gateways.ChangePublicIpAsync(gateway.Id, "198.51.100.1", Ct)).Succeeded);
        Assert.False((await gateways.DeleteAsync(gateway.Id, Ct)).Succeeded);

        await using var system = host.Get<TenantDbFactory>().ForSystem();
        var untouched = await system.Gateways.SingleAsync(g => g.Id == gateway.Id, Ct);
        Assert.Equal((100, "203.0.113.10"), (untouched.BandwidthMbps, untouched.PublicIp));
    }

    [Fact]
    public async Task An_identical_event_within_the_window_is_counted_not_repeated()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        await using var db = await host.Get<IDbContextFactory<BackupDbContext>>().CreateDbContextAsync(Ct);
        var log = host.Get<EventLog>();

        await log.RecordAsync(db, "dbsgw-repeated", "GatewayPublicIpChanged", EventLevel.Info, "a → b", Ct);
        await db.SaveChangesAsync(Ct);
        await log.RecordAsync(db, "dbsgw-repeated", "GatewayPublicIpChanged", EventLevel.Info, "a → b", Ct);
        await db.SaveChangesAsync(Ct);

        var only = Assert.Single(await db.Events.Where(e => e.ResourceId == "dbsgw-repeated").ToListAsync(Ct));
        Assert.Equal(2, only.Count);
        Assert.True(only.LastAt >= only.FirstAt);
    }

    private sealed class Blocker(IReadOnlyList<string> names) : IGatewayDeletionBlocker
    {
        public Task<IReadOnlyList<string>> BlockingResourcesAsync(CancellationToken ct) => Task.FromResult(names);
    }
}
