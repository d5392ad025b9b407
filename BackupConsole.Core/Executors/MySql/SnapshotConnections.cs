using MySqlConnector;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>
/// Several connections that read one and the same consistent snapshot, so tables can be dumped in parallel and still
/// form one point in time: with commits blocked for a moment (MariaDB <c>BACKUP STAGE BLOCK_COMMIT</c>, MySQL
/// <c>FLUSH TABLES WITH READ LOCK</c>) every connection starts its snapshot transaction, then the block is lifted.
/// Without the RELOAD privilege that takes, the backup reads through one connection instead.
/// </summary>
internal sealed class SnapshotConnections : IAsyncDisposable
{
    private readonly List<MySqlConnection> _connections;

    private SnapshotConnections(List<MySqlConnection> connections, Dictionary<string, string> position)
    {
        _connections = connections;
        Position = position;
    }

    /// <summary>The first connection: schema reads go through it; data reads through any.</summary>
    public MySqlConnection Main => _connections[0];

    public IReadOnlyList<MySqlConnection> All => _connections;

    /// <summary>The binlog file, position and GTID set of the snapshot.</summary>
    public Dictionary<string, string> Position { get; }

    public static async Task<SnapshotConnections> OpenAsync(MySqlEndpoint source, int parallel, IProgress<string>? progress, CancellationToken ct)
    {
        var connections = new List<MySqlConnection> { await MySqlLogicalBackup.OpenAsync(source, ct) };
        try
        {
            if (parallel <= 1 || !await TryParallelAsync(source, connections, parallel, progress, ct))
                await BeginAsync(connections[0], ct);
            return new SnapshotConnections(connections, await SnapshotPositionAsync(connections[0], ct));
        }
        catch
        {
            foreach (var connection in connections)
                await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<bool> TryParallelAsync(
        MySqlEndpoint source, List<MySqlConnection> connections, int parallel, IProgress<string>? progress, CancellationToken ct)
    {
        // The lock lives on a connection of its own: BACKUP STAGE and UNLOCK TABLES commit implicitly, which would end a
        // snapshot transaction started on the same connection.
        await using var lockHolder = await MySqlLogicalBackup.OpenAsync(source, ct);
        var mariaDb = (await lockHolder.ScalarAsync("SELECT VERSION()", ct)).Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
        try
        {
            await lockHolder.ExecuteAsync(mariaDb ? "BACKUP STAGE START; BACKUP STAGE BLOCK_COMMIT" : "FLUSH TABLES WITH READ LOCK", ct);
        }
        catch (MySqlException ex) when (ex.ErrorCode is MySqlErrorCode.SpecifiedAccessDeniedError or MySqlErrorCode.AccessDenied or MySqlErrorCode.DatabaseAccessDenied)
        {
            progress?.Report($"reading tables one at a time: parallel reads of one snapshot need the RELOAD privilege ({ex.Message})");
            return false;
        }
        try
        {
            for (var i = 1; i < parallel; i++)
                connections.Add(await MySqlLogicalBackup.OpenAsync(source, ct));
            // No commit can happen until the lock is released: every transaction started now sees the same data.
            foreach (var connection in connections)
                await BeginAsync(connection, ct);
        }
        finally
        {
            await lockHolder.ExecuteAsync(mariaDb ? "BACKUP STAGE END" : "UNLOCK TABLES", CancellationToken.None);
        }
        return true;
    }

    private static async Task BeginAsync(MySqlConnection connection, CancellationToken ct) =>
        await connection.ExecuteAsync(
            "SET SESSION time_zone = '+00:00', SESSION sql_mode = ''; SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ; " +
            // Every SELECT below reads this one snapshot; InnoDB needs no table lock for it.
            "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", ct);

    private static async Task<Dictionary<string, string>> SnapshotPositionAsync(MySqlConnection connection, CancellationToken ct)
    {
        var properties = new Dictionary<string, string>();
        // MariaDB reports the binlog position that matches the consistent snapshot without any global lock.
        await using (var command = new MySqlCommand("SHOW STATUS LIKE 'binlog_snapshot_%'", connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                properties[reader.GetString(0) == "Binlog_snapshot_file" ? "binlogFile" : "binlogPosition"] = reader.GetString(1);
        }
        await using (var gtid = new MySqlCommand("SELECT @@GLOBAL.gtid_binlog_pos", connection))
        {
            try
            {
                properties["gtid"] = (await gtid.ExecuteScalarAsync(ct))?.ToString() ?? "";
            }
            catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.UnknownSystemVariable)
            {
                // MySQL has no gtid_binlog_pos; its GTID set is gtid_executed, not tied to this snapshot.
            }
        }
        return properties;
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        foreach (var connection in _connections)
            await connection.ExecuteAsync("COMMIT", ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
            await connection.DisposeAsync();
    }
}
