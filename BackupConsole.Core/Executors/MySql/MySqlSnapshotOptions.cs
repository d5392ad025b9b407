using System.ComponentModel.DataAnnotations;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>How MySQL snapshot backups capture a data directory, bound from the "MySqlSnapshots" section.</summary>
public sealed class MySqlSnapshotOptions
{
    public const string Section = "MySqlSnapshots";

    /// <summary>
    /// Where the captured copy waits for its upload. Empty: beside the data directory, on the same file system, so the
    /// copy is made of reflinks where the file system has them (XFS, Btrfs).
    /// </summary>
    public string StagingDirectory { get; set; } = "";

    /// <summary>How long InnoDB may take to flush its dirty pages under the lock before the snapshot gives up.</summary>
    [Range(1, 3600)]
    public int FlushTimeoutSeconds { get; set; } = 120;

    /// <summary>Captures to try when InnoDB writes during one (an uncommitted transaction still changing pages).</summary>
    [Range(1, 20)]
    public int CaptureAttempts { get; set; } = 3;
}
