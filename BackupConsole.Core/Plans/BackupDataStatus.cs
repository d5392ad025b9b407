namespace BackupConsole.Core.Plans;

/// <summary>A backup-data row's state: running while the run writes it, then available or failed; deleting while its objects are removed.</summary>
public enum BackupDataStatus
{
    Running,
    Available,
    Failed,

    /// <summary>Its pool objects are being removed; a delete that stopped half-way leaves it here and can be retried.</summary>
    Deleting,
}
