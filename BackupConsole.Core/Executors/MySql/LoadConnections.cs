using MySqlConnector;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>
/// The connections a logical restore loads through, each with the session the backup's text needs: UTC timestamps,
/// zero dates allowed, explicit zeros kept in AUTO_INCREMENT columns, and no per-row key checks during the bulk load.
/// </summary>
internal sealed class LoadConnections : IAsyncDisposable
{
    private readonly List<MySqlConnection> _connections;

    private LoadConnections(List<MySqlConnection> connections) => _connections = connections;

    /// <summary>DDL and checks go through this one.</summary>
    public MySqlConnection Main => _connections[0];

    public static async Task<LoadConnections> OpenAsync(MySqlEndpoint target, int count, CancellationToken ct)
    {
        var connections = new List<MySqlConnection>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var connection = await MySqlLogicalBackup.OpenAsync(target, ct);
                connections.Add(connection);
                await using var session = new MySqlCommand(
                    "SET SESSION time_zone = '+00:00', SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO', " +
                    "SESSION foreign_key_checks = 0, SESSION unique_checks = 0", connection);
                await session.ExecuteNonQueryAsync(ct);
            }
            return new LoadConnections(connections);
        }
        catch
        {
            foreach (var connection in connections)
                await connection.DisposeAsync();
            throw;
        }
    }

    public Task ForEachAsync<T>(IEnumerable<T> items, Func<MySqlConnection, T, CancellationToken, Task> work, CancellationToken ct) =>
        ConnectionWork.ForEachAsync(_connections, items, work, ct);

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
            await connection.DisposeAsync();
    }
}
