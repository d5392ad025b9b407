using System.ComponentModel.DataAnnotations;

namespace BackupConsole.Core.Plans;

/// <summary>Settings of plan runs (section <c>Plans</c>).</summary>
public sealed class PlanOptions
{
    public const string Section = "Plans";

    /// <summary>Runs of one tenant's plans at once; further runs wait for a slot.</summary>
    [Range(1, 64)]
    public int MaxConcurrentRunsPerTenant { get; set; } = 2;

    /// <summary>How often the retention job deletes backup data past its plan's retention.</summary>
    [Range(1, 1440)]
    public int RetentionCheckMinutes { get; set; } = 60;

    /// <summary>How often scheduled verification looks for backups due a check .</summary>
    [Range(1, 10080)]
    public int VerificationCheckMinutes { get; set; } = 60;

    /// <summary>An available backup is re-read and its checksums checked again after this many days.</summary>
    [Range(1, 3650)]
    public int ReverifyAfterDays { get; set; } = 7;

    /// <summary>Backups verified per pass at most, so a large backlog spreads over several passes.</summary>
    [Range(1, 1000)]
    public int VerificationsPerPass { get; set; } = 10;
}
