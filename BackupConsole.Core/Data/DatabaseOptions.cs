namespace BackupConsole.Core.Data;

/// <summary>The metadata database, bound from the "Database" section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Only "Sqlite" for now; PostgreSQL and MySQL arrive with clustering (#10).</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Empty: <c>backupconsole.db</c> in the data directory.</summary>
    public string ConnectionString { get; set; } = "";

    public string ResolveConnectionString(DataOptions data) =>
        ConnectionString.Length > 0
            ? ConnectionString
            : $"Data Source={Path.Combine(data.FullDirectory, "backupconsole.db")}";
}
