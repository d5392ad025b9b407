using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.ApiTokens;

/// <summary>What a token may do through the REST API: read everything of its tenant, or also change it.</summary>
public enum ApiTokenScope
{
    Read,
    ReadWrite,
}

/// <summary>
/// A tenant's REST API token. Only a SHA-256 hash of its secret is kept: the secret is shown once, at creation, and
/// a token is 32 random bytes, so a fast hash cannot be searched the way a password's could.
/// </summary>
public sealed class ApiToken : ITenantOwned
{
    public required string Id { get; set; }

    public string TenantId { get; set; } = "";

    public required string Name { get; set; }

    public ApiTokenScope Scope { get; set; }

    public required byte[] SecretHash { get; set; }

    /// <summary>The user who created it: the API acts as that user, within the tenant.</summary>
    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
