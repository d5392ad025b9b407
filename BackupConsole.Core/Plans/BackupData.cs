using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.Plans;

/// <summary>One run of a plan (备份数据): its id is the backup set's id in the pool, so the row and the manifest always match.</summary>
public sealed class BackupData : ITenantOwned
{
    public required string Id { get; init; }

    public string TenantId { get; set; } = "";

    /// <summary>The plan that took it; null for sets adopted from a pool whose plan this console does not have .</summary>
    public string? PlanId { get; init; }

    public required string PoolId { get; init; }

    public required string BackupType { get; init; }

    public BackupDataStatus Status { get; set; }

    /// <summary>Incrementals: the backup this one builds on.</summary>
    public string? ParentId { get; set; }

    /// <summary>Bytes of source data the backup holds.</summary>
    public long SizeBytes { get; set; }

    /// <summary>Bytes it takes in the pool (compressed, encrypted).</summary>
    public long StoredBytes { get; set; }

    /// <summary>What started it: schedule, manual, or the plan's catch-up after a missed time.</summary>
    public required string Trigger { get; init; }

    public string? Error { get; set; }

    /// <summary>When the run was asked for, then when it got its slot and began (runs of a tenant beyond the limit wait).</summary>
    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The source kind as the manifest names it (mysql, redis, object-storage, file-storage): what a restore needs.</summary>
    public string SourceKind { get; set; } = "";

    /// <summary>The source as the manifest describes it (server, bucket, directory), for sets without a plan.</summary>
    public string? SourceDescription { get; set; }

    /// <summary>X-2: the last check of every checksum, when and with what result.</summary>
    public VerificationState Verification { get; set; }

    public DateTimeOffset? VerifiedAt { get; set; }

    public string? VerificationError { get; set; }

    /// <summary>The console node running it: when that node stops, another fails the run and, for a scheduled
    /// one, runs it again.</summary>
    public string? Node { get; set; }

    /// <summary>Scheduled runs: the time the schedule fired for (kept by a run that recovers another node's).</summary>
    public DateTimeOffset? ScheduledFor { get; set; }

    /// <summary>The plan's id while this run is running, else null: unique, so one plan has one run at a time even
    /// when several console nodes are asked at once.</summary>
    public string? RunningPlanId { get; set; }
}
