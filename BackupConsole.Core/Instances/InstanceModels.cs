namespace BackupConsole.Core.Instances;

/// <summary>
/// The register/update dialog of an instance. Secret: the MySQL/Redis password or S3 secret key; on update, null
/// or empty keeps the stored one (secrets are never shown back).
/// </summary>
public sealed record InstanceInput(
    string Name,
    InstanceKind Kind,
    string? Region = null,
    string? ProjectGroupId = null,
    string? Remark = null,
    bool External = false,
    string? Host = null,
    int? Port = null,
    string? UserName = null,
    string? Secret = null,
    string? DataDirectory = null,
    int? RedisDatabase = null,
    string? Bucket = null,
    string? Prefix = null,
    string? Path = null,
    IReadOnlyList<Tags.Tag>? Tags = null);

/// <summary>A backup type and whether this console can take it for an instance, with the reason when not.</summary>
public sealed record BackupTypeSupport(string Type, bool Supported, string? Reason);

/// <summary>An instance as the list shows it; no secret is part of it.</summary>
public sealed record InstanceView(
    string Id,
    string Name,
    string? Remark,
    InstanceKind Kind,
    string Region,
    string ProjectGroupId,
    string ProjectGroupName,
    IReadOnlyList<Tags.Tag> Tags,
    bool External,
    string Address,
    string? UserName,
    bool HasSecret,
    string? DataDirectory,
    InstanceStatus Status,
    string? StatusMessage,
    DateTimeOffset? CheckedAt,
    IReadOnlyList<BackupTypeSupport> BackupTypes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The connection fields as the update dialog edits them (no secret).</summary>
    public InstanceAddress? Parts { get; init; }
}

/// <summary>Where an instance is, field by field: host and port (or endpoint), Redis database, bucket and prefix, or path.</summary>
public sealed record InstanceAddress(string? Host, int? Port, int? RedisDatabase, string? Bucket, string? Prefix, string? Path);
