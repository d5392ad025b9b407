using BackupConsole.Core.Data;
using BackupConsole.Core.Tags;
using BackupConsole.Core.Tenancy;
using BackupConsole.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Tests.Tenancy;

/// <summary>Issue #2: tenant A can neither read, update nor delete tenant B's rows by id; nobody signed in sees nothing.</summary>
[Trait(CoreTestHost.SuiteTrait, CoreTestHost.CoreSuite)]
public sealed class TenantIsolationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(CoreTestHost Host, Tenant A, Tenant B, ProjectGroup GroupOfB)> TwoTenantsAsync()
    {
        var host = await CoreTestHost.StartAsync();
        var (b, _) = await host.CreateTenantWithUserAsync("b");
        var groupOfB = await host.Get<ProjectGroupService>().GetDefaultAsync(Ct);
        var (a, _) = await host.CreateTenantWithUserAsync("a");
        return (host, a, b, groupOfB);
    }

    [Fact]
    public async Task Tenant_A_cannot_read_tenant_Bs_row_by_id()
    {
        var (host, a, _, groupOfB) = await TwoTenantsAsync();
        await using var _ = host;

        Assert.Null(await host.Get<ProjectGroupService>().FindAsync(groupOfB.Id, Ct));
        await using var db = await host.Get<IDbContextFactory<BackupDbContext>>().CreateDbContextAsync(Ct);
        Assert.Null(await db.ProjectGroups.SingleOrDefaultAsync(g => g.Id == groupOfB.Id, Ct));
        Assert.Null(await db.ProjectGroups.FindAsync([groupOfB.Id], Ct));
        Assert.All(await host.Get<ProjectGroupService>().ListAsync(Ct), g => Assert.Equal(a.Id, g.TenantId));
    }

    [Fact]
    public async Task Tenant_A_cannot_update_tenant_Bs_row_even_when_it_holds_the_entity()
    {
        var (host, _, _, groupOfB) = await TwoTenantsAsync();
        await using var _ = host;
        ProjectGroup stolen;
        await using (var system = host.Get<TenantDbFactory>().ForSystem())
            stolen = await system.ProjectGroups.AsNoTracking().SingleAsync(g => g.Id == groupOfB.Id, Ct);

        await using (var db = await host.Get<IDbContextFactory<BackupDbContext>>().CreateDbContextAsync(Ct))
        {
            db.ProjectGroups.Attach(stolen);
            stolen.Name = "hijacked";
            await Assert.ThrowsAsync<TenantAccessException>(() => db.SaveChangesAsync(Ct));
        }

        await using var check = host.Get<TenantDbFactory>().ForSystem();
        Assert.Equal(ProjectGroup.DefaultName, (await check.ProjectGroups.SingleAsync(g => g.Id == groupOfB.Id, Ct)).Name);
    }

    [Fact]
    public async Task Tenant_A_cannot_delete_tenant_Bs_row()
    {
        var (host, _, _, groupOfB) = await TwoTenantsAsync();
        await using var _ = host;
        ProjectGroup stolen;
        await using (var system = host.Get<TenantDbFactory>().ForSystem())
            stolen = await system.ProjectGroups.AsNoTracking().SingleAsync(g => g.Id == groupOfB.Id, Ct);

        await using (var db = await host.Get<IDbContextFactory<BackupDbContext>>().CreateDbContextAsync(Ct))
        {
            db.ProjectGroups.Remove(stolen);
            await Assert.ThrowsAsync<TenantAccessException>(() => db.SaveChangesAsync(Ct));
        }
        await using (var db = await host.Get<IDbContextFactory<BackupDbContext>>().CreateDbContextAsync(Ct))
            Assert.Equal(0, await db.ProjectGroups.Where(g => g.Id == groupOfB.Id).ExecuteDeleteAsync(Ct));

        await using var check = host.Get<TenantDbFactory>().ForSystem();
        Assert.True(await check.ProjectGroups.AnyAsync(g => g.Id == groupOfB.Id, Ct));
    }

    [Fact]
    public async Task Tenant_A_cannot_create_a_row_stamped_with_tenant_B()
    {
        var (host, _, b, _) = await TwoTenantsAsync();
        await using var _ = host;
        await using var db = await host.Get<IDbContextFactory<BackupDbContext>>().CreateDbContextAsync(Ct);

        db.ProjectGroups.Add(new ProjectGroup { Id = ResourceIds.New(ResourceIds.ProjectGroup), TenantId = b.Id, Name = "planted" });

        await Assert.ThrowsAsync<TenantAccessException>(() => db.SaveChangesAsync(Ct));
    }

    [Fact]
    public async Task Nobody_signed_in_sees_no_tenant_rows_and_cannot_write()
    {
        var (host, _, _, _) = await TwoTenantsAsync();
        await using var _ = host;
        host.Tenant.ActAs(null);
        await using var db = await host.Get<IDbContextFactory<BackupDbContext>>().CreateDbContextAsync(Ct);

        Assert.Empty(await db.ProjectGroups.ToListAsync(Ct));
        db.ProjectGroups.Add(new ProjectGroup { Id = ResourceIds.New(ResourceIds.ProjectGroup), Name = "orphan" });
        await Assert.ThrowsAsync<TenantAccessException>(() => db.SaveChangesAsync(Ct));
    }

    [Fact]
    public async Task Tags_of_tenant_B_are_invisible_and_untouchable_for_tenant_A()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("b");
        var tags = host.Get<TagService>();
        Assert.True((await tags.SetTagsAsync("dbsgw-bbbbbbbb", [new Tag("env", "prod")], Ct)).Succeeded);

        await host.CreateTenantWithUserAsync("a");
        Assert.Empty(await tags.GetTagsAsync(["dbsgw-bbbbbbbb"], Ct));
        Assert.True((await tags.SetTagsAsync("dbsgw-bbbbbbbb", [], Ct)).Succeeded);

        await using var system = host.Get<TenantDbFactory>().ForSystem();
        Assert.Equal("env", (await system.Tags.SingleAsync(Ct)).Key);
    }

    [Fact]
    public async Task Every_new_tenant_starts_with_exactly_one_default_project_group()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("fresh");

        var groups = await host.Get<ProjectGroupService>().ListAsync(Ct);

        var only = Assert.Single(groups);
        Assert.True(only.IsDefault);
        Assert.Equal("默认项目组", only.Name);
        Assert.StartsWith("pg-", only.Id);
    }

    [Theory]
    [InlineData(ResourceIds.Gateway)]
    [InlineData(ResourceIds.StoragePool)]
    [InlineData(ResourceIds.BackupPlan)]
    [InlineData(ResourceIds.BackupSet)]
    [InlineData(ResourceIds.Instance)]
    public void Resource_ids_are_prefixed_random_and_unique(string prefix)
    {
        var ids = Enumerable.Range(0, 20_000).Select(_ => ResourceIds.New(prefix)).ToList();

        Assert.All(ids, id => Assert.Matches($"^{prefix}-[a-z0-9]{{8}}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids.Take(10), id => Assert.True(ResourceIds.HasPrefix(id, prefix)));
    }
}
