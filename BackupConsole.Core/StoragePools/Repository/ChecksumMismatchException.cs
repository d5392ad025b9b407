namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>An object's bytes do not match the manifest: the backup is damaged and must not be trusted.</summary>
public sealed class ChecksumMismatchException(string backupId, string objectName, string detail)
    : Exception($"Backup {backupId}: object '{objectName}' is corrupt ({detail}).")
{
    public string BackupId { get; } = backupId;

    public string ObjectName { get; } = objectName;
}
