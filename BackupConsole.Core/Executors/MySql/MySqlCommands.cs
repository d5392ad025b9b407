using MySqlConnector;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>One-statement helpers over an open connection, for the engines' own control statements.</summary>
internal static class MySqlCommands
{
    public static async Task ExecuteAsync(this MySqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Synchronous, for connections kept off the asynchronous socket engine (see SnapshotConnections).</summary>
    public static void Execute(this MySqlConnection connection, string sql)
    {
        using var command = new MySqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>The first column of the first row as text; "" for NULL or no row.</summary>
    public static async Task<string> ScalarAsync(this MySqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new MySqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync(ct))?.ToString() ?? "";
    }
}
