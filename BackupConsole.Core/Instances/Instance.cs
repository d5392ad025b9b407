using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.Instances;

/// <summary>
/// A data source a tenant backs up (实例): a MySQL or Redis server, an S3 bucket (and prefix), or a directory on this
/// host. Secrets are kept encrypted by the secret protector and never shown again.
/// </summary>
public sealed class Instance : ITenantOwned
{
    public const int MaxNameLength = 64;
    public const int MaxRemarkLength = 256;

    public required string Id { get; init; }

    public string TenantId { get; set; } = "";

    public required string Name { get; set; }

    public string? Remark { get; set; }

    public InstanceKind Kind { get; init; }

    /// <summary>One of the operator's configured regions (<see cref="InstanceOptions.Regions"/>).</summary>
    public required string Region { get; set; }

    public required string ProjectGroupId { get; set; }

    /// <summary>Reached through the tenant's backup gateway (bound to its IP, throttled to its bandwidth).</summary>
    public bool External { get; set; }

    /// <summary>MySQL and Redis: server host; object storage: the endpoint URL.</summary>
    public string? Host { get; set; }

    public int? Port { get; set; }

    /// <summary>MySQL user, Redis ACL user (optional) or S3 access key.</summary>
    public string? UserName { get; set; }

    /// <summary>MySQL or Redis password, or S3 secret key, encrypted with the secret protector.</summary>
    public string? ProtectedSecret { get; set; }

    /// <summary>MySQL: the server's data directory on this host, needed for physical, snapshot and incremental backups.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Redis: one logical database; null backs up every database with keys.</summary>
    public int? RedisDatabase { get; set; }

    public string? Bucket { get; set; }

    public string? Prefix { get; set; }

    /// <summary>File storage: the directory (a mounted NFS/SMB share) on this host.</summary>
    public string? Path { get; set; }

    public InstanceStatus Status { get; set; }

    public string? StatusMessage { get; set; }

    public DateTimeOffset? CheckedAt { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}
