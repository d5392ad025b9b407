namespace BackupConsole.Core.Tenancy;

/// <summary>Who is acting: the tenant every query is scoped to, the user, and whether that user administers the platform.</summary>
public interface ITenantContext
{
    /// <summary>The signed-in tenant, or null when nobody is signed in.</summary>
    string? TenantId { get; }

    string? UserId { get; }

    bool IsPlatformAdmin { get; }

    /// <summary>True only for the console's own background work, which acts on every tenant's rows.</summary>
    bool IsSystem { get; }
}
