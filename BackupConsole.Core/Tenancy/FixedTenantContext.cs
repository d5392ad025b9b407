namespace BackupConsole.Core.Tenancy;

/// <summary>A tenant context fixed at construction: for background jobs, the command line and tests.</summary>
public sealed record FixedTenantContext(string? TenantId, string? UserId = null, bool IsPlatformAdmin = false, bool IsSystem = false)
    : ITenantContext
{
    /// <summary>Nobody signed in: tenant-owned queries return nothing and writes are refused.</summary>
    public static FixedTenantContext Anonymous { get; } = new(TenantId: null);

    /// <summary>The console itself (health checks, schedulers): sees every tenant. Never hand this to a request.</summary>
    public static FixedTenantContext System { get; } = new(TenantId: null, IsSystem: true);

    public static FixedTenantContext ForTenant(string tenantId, string? userId = null) => new(tenantId, userId);
}
