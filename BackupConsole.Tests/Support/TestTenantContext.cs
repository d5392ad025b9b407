using BackupConsole.Core.Tenancy;

namespace BackupConsole.Tests.Support;

/// <summary>A tenant context a test can switch between tenants, to act as A and then as B against the same database.</summary>
public sealed class TestTenantContext : ITenantContext
{
    public string? TenantId { get; private set; }

    public string? UserId { get; private set; }

    public bool IsPlatformAdmin { get; private set; }

    public bool IsSystem { get; private set; }

    public void ActAs(string? tenantId, string? userId = null, bool isPlatformAdmin = false)
    {
        TenantId = tenantId;
        UserId = userId;
        IsPlatformAdmin = isPlatformAdmin;
        IsSystem = false;
    }

    public void ActAsSystem()
    {
        ActAs(null);
        IsSystem = true;
    }
}
