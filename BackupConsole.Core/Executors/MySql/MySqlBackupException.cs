namespace BackupConsole.Core.Executors.MySql;

/// <summary>A backup or restore refused for a reason the operator can act on (unknown database, non-empty target …).</summary>
public sealed class MySqlBackupException(string message, Exception? inner = null) : Exception(message, inner);
