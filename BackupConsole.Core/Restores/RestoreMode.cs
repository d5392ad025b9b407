namespace BackupConsole.Core.Restores;

/// <summary>Where a backup can be restored to; which modes apply depends on the backup's source kind and type.</summary>
public enum RestoreMode
{
    /// <summary>MySQL logical: new databases on a registered MySQL server.</summary>
    NewDatabase,

    /// <summary>MySQL physical/snapshot/incremental: a MariaDB server the console starts on the prepared data directory, registered as a new instance.</summary>
    NewServer,

    /// <summary>MySQL physical/snapshot/incremental: a prepared data directory at a path.</summary>
    DataDirectory,

    /// <summary>Redis: an empty database (or the same-numbered databases) on a registered Redis server.</summary>
    RedisDatabase,

    /// <summary>Object storage: a new bucket, or an empty prefix, on a registered object-storage endpoint.</summary>
    Bucket,

    /// <summary>File storage: a new directory.</summary>
    Directory,
}
