namespace BackupConsole.Core.Data;

/// <summary>The metadata database, bound from the "Database" section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>"Sqlite" (embedded, the default), "PostgreSql" (12+) or "MySql" (MySQL 8 or MariaDB 10.11+); the last two need a connection string.</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Empty: <c>backupconsole.db</c> in the data directory.</summary>
    public string ConnectionString { get; set; } = "";

    public string ResolveConnectionString(DataOptions data) =>
        ConnectionString.Length > 0
            ? ConnectionString
            : $"Data Source={Path.Combine(data.FullDirectory, "backupconsole.db")}";
}
