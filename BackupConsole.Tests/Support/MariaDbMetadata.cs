using MySqlConnector;

namespace BackupConsole.Tests.Support;

/// <summary>
/// A throwaway database on the test bed's MariaDB for the console's metadata. Operators create the console's
/// database (and its user) first; so do the tests, as root.
/// </summary>
internal static class MariaDbMetadata
{
    /// <summary>Creates an empty database; returns its name and the connection string the console takes.</summary>
    public static (string Name, string ConnectionString) Create(string prefix = "bc_meta_")
    {
        var name = prefix + Guid.NewGuid().ToString("N")[..12];
        using (var admin = new MySqlConnection(Root().ConnectionString))
        {
            admin.Open();
            using var create = new MySqlCommand($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4", admin);
            create.ExecuteNonQuery();
        }
        var connection = Root(name);
        return (name, $"Server={connection.Server};Port={connection.Port};User={connection.UserID};Password={connection.Password};Database={name}");
    }

    public static async Task DropAsync(string name)
    {
        await using var connection = new MySqlConnection(Root().ConnectionString);
        await connection.OpenAsync();
        await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS `{name}`", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>A root connection string, to the database <paramref name="database"/> when given.</summary>
    public static MySqlConnectionStringBuilder Root(string? database = null)
    {
        var mariaDb = TestBed.TestServices.RequireMariaDb();
        var builder = mariaDb.ConnectionString(database);
        builder.UserID = "root";
        builder.Password = mariaDb.RootPassword;
        return builder;
    }
}
