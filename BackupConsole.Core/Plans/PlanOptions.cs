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
}
