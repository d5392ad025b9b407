using Microsoft.Extensions.DependencyInjection;

namespace BackupConsole.Core.Tenancy;

/// <summary>Holds the tenant a background scope acts for; hosts resolve <see cref="ITenantContext"/> from it first.</summary>
public sealed class TenantOverride
{
    public ITenantContext? Context { get; set; }
}

/// <summary>
/// Opens a service scope that acts for one tenant: how a scheduled run uses the same tenant-scoped services (pools,
/// gateway) as a signed-in request, and sees only that tenant's rows.
/// </summary>
public sealed class TenantScopes(IServiceScopeFactory scopes)
{
    public AsyncServiceScope ForTenant(string tenantId)
    {
        var scope = scopes.CreateAsyncScope();
        // Set before anything in the scope resolves the tenant context.
        scope.ServiceProvider.GetRequiredService<TenantOverride>().Context = FixedTenantContext.ForTenant(tenantId);
        return scope;
    }

    /// <summary>A scope for the console's own work across tenants (health checks, scheduling, retention).</summary>
    public AsyncServiceScope ForSystem()
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantOverride>().Context = FixedTenantContext.System;
        return scope;
    }
}
