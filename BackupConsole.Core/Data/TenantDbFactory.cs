using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Core.Data;

/// <summary>Opens a context that acts for a named tenant, for work that is not a signed-in request: provisioning, jobs.</summary>
public sealed class TenantDbFactory(DbContextOptions<BackupDbContext> options)
{
    public BackupDbContext For(ITenantContext tenant) => new(options, tenant);

    public BackupDbContext ForTenant(string tenantId) => new(options, FixedTenantContext.ForTenant(tenantId));

    /// <summary>Sees every tenant's rows: only for the console's own background work.</summary>
    public BackupDbContext ForSystem() => new(options, FixedTenantContext.System);
}
