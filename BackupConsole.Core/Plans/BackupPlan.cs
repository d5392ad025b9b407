using BackupConsole.Core.Instances;
using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.Plans;

/// <summary>What to back up (source + type), when (strategy + timer), where (pool) and how long (retention) — 备份计划.</summary>
public sealed class BackupPlan : ITenantOwned
{
    public const int MaxNameLength = 64;
    public const int MaxRemarkLength = 256;

    public required string Id { get; init; }

    public string TenantId { get; set; } = "";

    public required string Name { get; set; }

    public string? Remark { get; set; }

    public PlanStrategy Strategy { get; set; }

    public InstanceKind SourceKind { get; set; }

    public required string InstanceId { get; set; }

    /// <summary>logical, physical, snapshot or incremental (R-SCOPE-1).</summary>
    public required string BackupType { get; set; }

    /// <summary>MySQL: the databases and tables to back up (<c>db1,db2.t1</c>); null is everything (R-PLAN-2).</summary>
    public string? Selection { get; set; }

    public required string PoolId { get; set; }

    public int RetentionDays { get; set; }

    /// <summary>MySQL incremental plans: the physical plan on the same instance whose chain they extend (关联计划).</summary>
    public string? RelatedPlanId { get; set; }

    public required string ProjectGroupId { get; set; }

    public RepeatCycle TimerCycle { get; set; }

    /// <summary>Weekly: ISO weekdays 1 (Monday) … 7; monthly: days 1 … 31; comma-separated.</summary>
    public string TimerDays { get; set; } = "";

    /// <summary>Execution times HH:mm, comma-separated.</summary>
    public string TimerTimes { get; set; } = "";

    /// <summary>IANA time zone the times are in.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Paused by hand (R-PLAN-10).</summary>
    public bool Paused { get; set; }

    /// <summary>Paused because its source instance went offline; cleared when it returns (R-PLAN-11).</summary>
    public bool AutoPaused { get; set; }

    public DateTimeOffset? LastRunAt { get; set; }

    /// <summary>The state of the newest run: what the list's running/failed status is read from without a join.</summary>
    public BackupDataStatus? LastRunStatus { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public PlanTimer Timer
    {
        get => PlanTimer.FromStored(TimerCycle, TimerDays, TimerTimes, TimeZone);
        set
        {
            TimerCycle = value.Cycle;
            TimerDays = string.Join(",", value.Days);
            TimerTimes = string.Join(",", value.Times.Select(t => t.ToString("HH\\:mm", System.Globalization.CultureInfo.InvariantCulture)));
            TimeZone = value.TimeZone;
        }
    }
}
