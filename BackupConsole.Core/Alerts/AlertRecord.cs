using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.Alerts;

public enum AlertRecordStatus
{
    Firing,
    Resolved,
}

/// <summary>One alert: from the moment its rule fired to its recovery, with the value that fired it and what notifying did.</summary>
public sealed class AlertRecord : ITenantOwned
{
    public long Id { get; init; }

    public string TenantId { get; set; } = "";

    public required string RuleId { get; init; }

    public required string PlanId { get; init; }

    public AlertMetric Metric { get; init; }

    public AlertRecordStatus Status { get; set; }

    public double Value { get; set; }

    public double Threshold { get; init; }

    public DateTimeOffset FiredAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>The last delivery outcome per channel, for the alerts page.</summary>
    public string? Delivery { get; set; }
}
