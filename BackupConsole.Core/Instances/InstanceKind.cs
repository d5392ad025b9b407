namespace BackupConsole.Core.Instances;

/// <summary>The kinds of data source a tenant registers (实例) and plans back up (R-SCOPE-1).</summary>
public enum InstanceKind
{
    MySql,
    Redis,
    ObjectStorage,
    FileStorage,
}
