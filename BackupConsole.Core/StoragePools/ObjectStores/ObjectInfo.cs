namespace BackupConsole.Core.StoragePools.ObjectStores;

/// <summary>An object's key, size and time as the store reports them.</summary>
public sealed record ObjectInfo(string Key, long Size, DateTimeOffset LastModified);
