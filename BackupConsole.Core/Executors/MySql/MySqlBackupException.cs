namespace BackupConsole.Core.Executors.MySql;

/// <summary>A MySQL backup or restore refused for a reason the operator can act on (unknown database, non-empty target …).</summary>
public sealed class MySqlBackupException(string message, Exception? inner = null) : BackupException(message, inner);
