using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.Plans;

/// <summary>One run of a plan (备份数据): its id is the backup set's id in the pool, so the row and the manifest always match.</summary>
public sealed class BackupData : ITenantOwned
{
    public required string Id { get; init; }

    public string TenantId { get; set; } = "";

    public required string PlanId { get; init; }

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
}
