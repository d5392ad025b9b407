namespace BackupConsole.Core.Tenancy;

/// <summary>Thrown when code tries to write a row of another tenant, or to act without the right it needs.</summary>
public sealed class TenantAccessException(string message) : Exception(message);
