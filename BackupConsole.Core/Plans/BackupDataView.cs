namespace BackupConsole.Core.Plans;

/// <summary>One row of a plan's (or a pool's) backup data list (R-PLAN-4); with several console nodes also the
/// node that ran it and, for a scheduled run, the time it was scheduled for.</summary>
public sealed record BackupDataView(
    string Id,
    string? PlanId,
    string BackupType,
    BackupDataStatus Status,
    long SizeBytes,
    long StoredBytes,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string? ParentId,
    string Trigger,
    string? Error,
    string SourceKind,
    string? SourceDescription,
    VerificationState Verification,
    DateTimeOffset? VerifiedAt,
    string? VerificationError,
    bool Restoring,
    string? Node = null,
    DateTimeOffset? ScheduledFor = null)
{
    public TimeSpan? Duration => FinishedAt - StartedAt;
}

public sealed record BackupDataPage(IReadOnlyList<BackupDataView> Items, int Total);
