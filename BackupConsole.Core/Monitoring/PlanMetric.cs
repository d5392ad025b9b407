using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.Monitoring;

/// <summary>
/// One sample taken while a plan's backup or restore ran (R-MON-1). CPU and memory are the console process's own
/// (the executors run inside it), measured while that run was active; network in is what the run read from its
/// source per second, network out what it wrote to its pool (a restore: read from the pool, written to the target).
/// </summary>
public sealed class PlanMetric : ITenantOwned
{
    public long Id { get; init; }

    public string TenantId { get; set; } = "";

    public required string PlanId { get; init; }

    /// <summary>The backup (or restore job) the sample belongs to.</summary>
    public required string RunId { get; init; }

    /// <summary>Unix milliseconds: compared and ordered in SQL, which SQLite cannot do with date-time offsets.</summary>
    public long AtMs { get; init; }

    public double CpuPercent { get; init; }

    public long MemoryBytes { get; init; }

    public double NetInBytesPerSecond { get; init; }

    public double NetOutBytesPerSecond { get; init; }

    /// <summary>The run's bytes in and out so far, at this sample.</summary>
    public long TotalInBytes { get; init; }

    public long TotalOutBytes { get; init; }
}
