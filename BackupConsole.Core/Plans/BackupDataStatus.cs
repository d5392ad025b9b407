namespace BackupConsole.Core.Plans;

/// <summary>A backup-data row's state: running while the run writes it, then available or failed.</summary>
public enum BackupDataStatus
{
    Running,
    Available,
    Failed,
}
