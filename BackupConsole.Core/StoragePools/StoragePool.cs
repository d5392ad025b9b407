using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.StoragePools;

/// <summary>Where a tenant's backup data is written (存储池): a bucket on the platform's object storage or on an external S3 service.</summary>
public sealed class StoragePool : ITenantOwned
{
    public const int MaxNameLength = 64;
    public const int MaxRemarkLength = 256;
    public const string DefaultBucket = "dbs";

    public required string Id { get; init; }

    public string TenantId { get; set; } = "";

    public required string Name { get; set; }

    public string? Remark { get; set; }

    public StoragePoolType Type { get; init; }

    /// <summary>External S3 only: the service URL (http or https). Platform pools use the operator's configuration.</summary>
    public string? Endpoint { get; set; }

    public required string Bucket { get; init; }

    public string? AccessKey { get; set; }

    /// <summary>The SecretKey, encrypted with the secret protector; never shown again (R-POOL-6).</summary>
    public string? ProtectedSecretKey { get; set; }

    public bool ForcePathStyle { get; set; } = true;

    /// <summary>External S3 only: a private CA (PEM) that signs the service's TLS certificate; null trusts the system's CAs.</summary>
    public string? CustomCaPem { get; set; }

    /// <summary>Client-side encryption of every object written into the pool .</summary>
    public bool Encrypted { get; init; }

    /// <summary>Which key encrypts the pool: <c>pool:&lt;id&gt;</c> (generated, kept below) or <c>operator:&lt;name&gt;</c> (from configuration).</summary>
    public string? EncryptionKeyId { get; init; }

    /// <summary>A generated data key, encrypted with the secret protector; losing the key ring loses these backups.</summary>
    public string? ProtectedEncryptionKey { get; init; }

    public StoragePoolStatus Status { get; set; }

    public string? StatusMessage { get; set; }

    public DateTimeOffset? CheckedAt { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}
