namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>What a backup set is, known when it starts; the manifest adds its objects and end time at commit.</summary>
public sealed record BackupSetHeader(
    string BackupId,
    ManifestSource Source,
    string BackupType,
    DateTimeOffset StartedAt,
    string? PlanId = null,
    string? ParentBackupId = null);
