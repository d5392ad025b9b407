using BackupConsole.Core.Instances;

namespace BackupConsole.Core.Restores;

/// <summary>What the "create instance from backup data" dialog submits; the fields its mode needs, the rest null.</summary>
public sealed record RestoreRequest(
    string BackupId,
    RestoreMode Mode,
    string? TargetInstanceId = null,
    IReadOnlyDictionary<string, string>? DatabaseNames = null,
    int? RedisDatabase = null,
    string? Bucket = null,
    string? Prefix = null,
    string? Directory = null,
    string? NewInstanceName = null);

/// <summary>What a backup can be restored into, for the dialog: its kind, the modes that apply and sensible defaults.</summary>
public sealed record RestoreSource(
    string BackupId,
    InstanceKind Kind,
    string BackupType,
    string? SourceDescription,
    IReadOnlyList<RestoreMode> Modes,
    IReadOnlyList<string> Databases,
    IReadOnlyList<int> RedisDatabases,
    string SuggestedDirectory,
    string Suffix);

public sealed record RestoreJobView(
    string Id,
    string BackupId,
    RestoreMode Mode,
    string Target,
    RestoreJobStatus Status,
    long BytesDone,
    long BytesTotal,
    long ItemsDone,
    long? ItemsTotal,
    string? Message,
    string? Error,
    string? Summary,
    string? CreatedInstanceId,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt)
{
    /// <summary>0–100 by bytes; null while the total is not known.</summary>
    public double? Percent => BytesTotal > 0 ? Math.Min(100, 100.0 * BytesDone / BytesTotal) : null;

    public static RestoreJobView Of(RestoreJob j) => new(
        j.Id, j.BackupId, j.Mode, j.Target, j.Status, j.BytesDone, j.BytesTotal, j.ItemsDone, j.ItemsTotal, j.Message, j.Error, j.Summary,
        j.CreatedInstanceId, j.StartedAt, j.FinishedAt);
}
