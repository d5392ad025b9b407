using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BackupConsole.Core.Monitoring;

/// <summary>
/// The console's own traces and metrics for an OpenTelemetry exporter (X-6; off unless <c>Telemetry:OtlpEndpoint</c>
/// is set): one span per backup run, and counters of runs and bytes by source kind, backup type and outcome.
/// Tenant ids and names are not attached: an operator's collector is outside the tenants' isolation.
/// </summary>
public static class ConsoleTelemetry
{
    public const string Name = "BackupConsole";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Runs = Meter.CreateCounter<long>("backupconsole.backup.runs", "{run}", "Backup runs that ended, by outcome.");

    private static readonly Counter<long> Bytes = Meter.CreateCounter<long>("backupconsole.backup.bytes", "By", "Source bytes of the backups that succeeded.");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("backupconsole.backup.duration", "s", "How long backup runs took.");

    public static Activity? StartRun(string planId, string backupId, string sourceKind, string backupType) =>
        Source.StartActivity("backup run")?
            .SetTag("backupconsole.plan.id", planId)
            .SetTag("backupconsole.backup.id", backupId)
            .SetTag("backupconsole.source.kind", sourceKind)
            .SetTag("backupconsole.backup.type", backupType);

    public static void RunEnded(Activity? activity, string sourceKind, string backupType, bool succeeded, long bytes, TimeSpan took, string? error)
    {
        var tags = new TagList { { "source.kind", sourceKind }, { "backup.type", backupType }, { "outcome", succeeded ? "succeeded" : "failed" } };
        Runs.Add(1, tags);
        Duration.Record(took.TotalSeconds, tags);
        if (succeeded)
            Bytes.Add(bytes, tags);
        activity?.SetStatus(succeeded ? ActivityStatusCode.Ok : ActivityStatusCode.Error, error);
    }
}
