using BackupConsole.Core.Executors;
using BackupConsole.Core.Executors.Files;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.Executors.Objects;
using BackupConsole.Core.Executors.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BackupConsole.Cli;

/// <summary>The engines the verbs run, built with default settings: the command line needs no configuration file.</summary>
internal static class Engines
{
    public static MySqlBackupRunner MySqlRunner() => new(
        new MySqlLogicalBackup(NullLogger<MySqlLogicalBackup>.Instance),
        new MariaBackupPhysical(NullLogger<MariaBackupPhysical>.Instance),
        new MySqlSnapshotBackup(Options.Create(new MySqlSnapshotOptions()), NullLogger<MySqlSnapshotBackup>.Instance),
        TimeProvider.System);

    public static RedisBackupRunner RedisRunner() => new(new RedisLogicalBackup(NullLogger<RedisLogicalBackup>.Instance), TimeProvider.System);

    public static FileSnapshotRunner FileRunner() => new(new FileSnapshotBackup(NullLogger<FileSnapshotBackup>.Instance), TimeProvider.System);

    public static ObjectSnapshotRunner ObjectRunner() => new(new ObjectSnapshotBackup(NullLogger<ObjectSnapshotBackup>.Instance), TimeProvider.System);

    public static MySqlDataDirectoryRestore DataDirectoryRestore() => new(NullLogger<MySqlDataDirectoryRestore>.Instance);
}
