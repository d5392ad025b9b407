using BackupConsole.Core.Data;

namespace BackupConsole.Core.Tenancy;

/// <summary>Creates a tenant with what every tenant starts with: its default project group (默认项目组).</summary>
public sealed class TenantProvisioning(TenantDbFactory dbFactory, TimeProvider clock)
{
    public async Task<Tenant> CreateAsync(string name, string? remark, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var tenant = new Tenant { Id = ResourceIds.New(ResourceIds.Tenant), Name = name, Remark = remark, CreatedAt = now, UpdatedAt = now };
        await using var db = dbFactory.ForTenant(tenant.Id);
        db.Tenants.Add(tenant);
        db.ProjectGroups.Add(new ProjectGroup
        {
            Id = ResourceIds.New(ResourceIds.ProjectGroup),
            Name = ProjectGroup.DefaultName,
            IsDefault = true,
            CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        return tenant;
    }
}
