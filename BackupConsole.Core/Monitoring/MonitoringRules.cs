namespace BackupConsole.Core.Monitoring;

/// <summary>Which plans are monitored and may bind alerts (R-MON-1, R-MON-2): every plan except snapshot plans.</summary>
public static class MonitoringRules
{
    /// <summary>
    /// Snapshot runs are content-addressed and upload only what changed, so their curves describe the change, not the
    /// plan's load; the guide shows no monitoring for them and lets them bind no alerts.
    /// </summary>
    public static bool Applies(string backupType) => backupType != "snapshot";
}
