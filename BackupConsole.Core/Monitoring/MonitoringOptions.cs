using System.ComponentModel.DataAnnotations;

namespace BackupConsole.Core.Monitoring;

/// <summary>Monitoring settings (section <c>Monitoring</c>).</summary>
public sealed class MonitoringOptions
{
    public const string Section = "Monitoring";

    /// <summary>Seconds between samples while a backup or restore runs.</summary>
    [Range(1, 300)]
    public int SampleSeconds { get; set; } = 5;

    /// <summary>Samples older than this are deleted.</summary>
    [Range(1, 3650)]
    public int MetricRetentionDays { get; set; } = 30;
}
