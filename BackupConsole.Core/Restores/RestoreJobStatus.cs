namespace BackupConsole.Core.Restores;

public enum RestoreJobStatus
{
    Running,
    Succeeded,
    Failed,
    Cancelled,
}
