using System.Collections.Concurrent;
using MySqlConnector;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>Spreads work items over a fixed set of connections: each item on whichever connection is free, one at a time.</summary>
internal static class ConnectionWork
{
    public static async Task ForEachAsync<T>(
        IReadOnlyCollection<MySqlConnection> connections, IEnumerable<T> items, Func<MySqlConnection, T, CancellationToken, Task> work, CancellationToken ct)
    {
        var free = new ConcurrentQueue<MySqlConnection>(connections);
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = connections.Count, CancellationToken = ct },
            async (item, token) =>
            {
                // Never empty: at most as many items run as there are connections, and each returns its own.
                free.TryDequeue(out var connection);
                try
                {
                    await work(connection!, item, token);
                }
                finally
                {
                    free.Enqueue(connection!);
                }
            });
    }
}
