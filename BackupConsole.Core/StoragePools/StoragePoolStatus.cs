namespace BackupConsole.Core.StoragePools;

/// <summary>Whether the pool answered its last check (R-POOL-3); plans on an offline pool are unavailable (R-PLAN-13).</summary>
public enum StoragePoolStatus
{
    Online,
    Offline,
}
