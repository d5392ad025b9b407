using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>
/// <c>manifest.json</c>, written last: its presence commits a backup set, and it holds everything needed to list,
/// verify and restore the set without the console's database. See docs/repository-format.md.
/// </summary>
public sealed record BackupManifest
{
    /// <summary>2: snapshots keep their blobs in packs (docs/repository-format.md). Sets of version 1 are read as before.</summary>
    public const int CurrentFormatVersion = 2;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    public required string BackupId { get; init; }

    /// <summary>The plan the set belongs to (dbs-…), when a plan made it.</summary>
    public string? PlanId { get; init; }

    public required ManifestSource Source { get; init; }

    /// <summary>logical, physical, snapshot or incremental.</summary>
    public required string BackupType { get; init; }

    /// <summary>For incrementals: the backup this one builds on.</summary>
    public string? ParentBackupId { get; init; }

    public required ManifestTool Tool { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>"zstd" or "none".</summary>
    public required string Compression { get; init; }

    public ManifestEncryption? Encryption { get; init; }

    public required IReadOnlyList<ManifestObject> Objects { get; init; }

    /// <summary>Engine-specific facts (binlog position, GTID set, Redis DB list …) as plain strings.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    public long RawBytes => Objects.Sum(o => o.RawSize);

    public long StoredBytes => Objects.Sum(o => o.StoredSize);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>What was backed up, described without any secret.</summary>
public sealed record ManifestSource(string Kind, string Description);

/// <summary>The program and repository format version that wrote the set.</summary>
public sealed record ManifestTool(string Name, string Version);

/// <summary>How the objects are encrypted; the key itself is never stored in the pool.</summary>
public sealed record ManifestEncryption(string Algorithm, string KeyId, string KeyFingerprint, int ChunkSize);

/// <summary>One data object of the set: stored (compressed, encrypted) and raw sizes and SHA-256s.</summary>
public sealed record ManifestObject(string Name, string Key, long StoredSize, string StoredSha256, long RawSize, string RawSha256);
