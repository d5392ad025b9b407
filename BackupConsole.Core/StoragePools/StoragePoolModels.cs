namespace BackupConsole.Core.StoragePools;

/// <summary>The bind dialog for 对象存储 (R-POOL-1): the bucket is optional, empty means <c>dbs</c>.</summary>
public sealed record PlatformPoolInput(string Name, string? Remark = null, string? Bucket = null, bool Encrypt = false);

/// <summary>The bind dialog for 外部S3服务 (R-POOL-2).</summary>
public sealed record ExternalPoolInput(
    string Name, string? Remark, string Endpoint, string AccessKey, string SecretKey, string Bucket, bool ForcePathStyle = true, bool Encrypt = false,
    string? CustomCaPem = null);

/// <summary>The update dialog (R-POOL-4): name and remark; for external pools optionally a new key pair, verified again.</summary>
public sealed record PoolUpdateInput(string Name, string? Remark, string? AccessKey = null, string? SecretKey = null);

/// <summary>A pool as the list (R-POOL-3) shows it; the secret key is never part of it (R-POOL-6).</summary>
public sealed record StoragePoolView(
    string Id,
    string Name,
    string? Remark,
    StoragePoolType Type,
    StoragePoolStatus Status,
    string? StatusMessage,
    string Endpoint,
    string Bucket,
    string? AccessKey,
    bool Encrypted,
    IReadOnlyList<string> RelatedPlans,
    DateTimeOffset? CheckedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The list's 对象存储 column.</summary>
    public string ObjectStorage => $"{Endpoint.TrimEnd('/')}/{Bucket}";
}
