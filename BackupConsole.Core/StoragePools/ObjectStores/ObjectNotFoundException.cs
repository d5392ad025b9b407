namespace BackupConsole.Core.StoragePools.ObjectStores;

/// <summary>The object (or its bucket) does not exist.</summary>
public sealed class ObjectNotFoundException(string location, string key)
    : Exception($"Object '{key}' does not exist in {location}.")
{
    public string Key { get; } = key;
}
