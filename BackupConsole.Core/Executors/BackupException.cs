namespace BackupConsole.Core.Executors;

/// <summary>A backup or restore refused or failed for a reason the operator can act on; the message says which and what to do.</summary>
public class BackupException(string message, Exception? inner = null) : Exception(message, inner);
