using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.Alerts;

/// <summary>The quantities a rule can watch (R-MON-2): the four monitored series, a failed backup, a backup's duration.</summary>
public enum AlertMetric
{
    CpuPercent,
    MemoryBytes,
    NetInBytesPerSecond,
    NetOutBytesPerSecond,
    BackupFailed,
    BackupDurationSeconds,
}

public enum AlertComparison
{
    GreaterThan,
    GreaterOrEqual,
    LessThan,
    LessOrEqual,
}

public enum AlertState
{
    Ok,
    Firing,
}

/// <summary>An alert rule bound to a plan (修改监控告警): fires when its metric breaches the threshold for the duration; notifies its channels at most once per silence period while firing, and once on recovery.</summary>
public sealed class AlertRule : ITenantOwned
{
    public required string Id { get; init; }

    public string TenantId { get; set; } = "";

    public required string PlanId { get; init; }

    public AlertMetric Metric { get; set; }

    public AlertComparison Comparison { get; set; }

    public double Threshold { get; set; }

    /// <summary>How long the breach must last before the rule fires.</summary>
    public int DurationSeconds { get; set; }

    /// <summary>After a notification, no repeat for this long while the rule keeps firing.</summary>
    public int SilenceMinutes { get; set; }

    /// <summary>Channel ids, comma separated.</summary>
    public string ChannelIds { get; set; } = "";

    public bool Enabled { get; set; } = true;

    public AlertState State { get; set; }

    /// <summary>When the current breach began (null while the metric is fine).</summary>
    public DateTimeOffset? BreachingSince { get; set; }

    public DateTimeOffset? LastNotifiedAt { get; set; }

    /// <summary>The open alert record while firing.</summary>
    public long? OpenAlertId { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}
