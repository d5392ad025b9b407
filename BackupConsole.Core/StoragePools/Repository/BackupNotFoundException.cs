namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>The pool holds no committed backup with this ID (no manifest.json under its prefix).</summary>
public sealed class BackupNotFoundException(string backupId, string location, string? message = null)
    : Exception(message ?? $"Backup {backupId} is not in {location} (no manifest.json).")
{
    public string BackupId { get; } = backupId;
}
