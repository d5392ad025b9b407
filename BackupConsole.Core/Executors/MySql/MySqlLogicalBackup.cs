using System.Buffers;
using System.Text.Json;
using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>
/// Logical MySQL/MariaDB backup in-process (R-SCOPE-1): one consistent snapshot over every selected table, the
/// binlog/GTID position of that snapshot, the schema of tables, views, triggers, routines and events, and the data as
/// chunks of LOAD DATA text, so restores run at bulk-load speed. Values travel as text the server produced (binary
/// ones as hex), so every type restores exactly.
/// </summary>
public sealed class MySqlLogicalBackup(ILogger<MySqlLogicalBackup> logger)
{
    public const string CatalogObject = "catalog.json";
    public const int RowsPerChunk = 250_000;

    private static readonly HashSet<string> HexTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit",
        "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection",
    };

    /// <param name="parallel">Connections reading tables at once, all in one snapshot (1: a single connection).</param>
    /// <returns>The manifest properties: binlog file/position and GTID set of the snapshot.</returns>
    public async Task<IReadOnlyDictionary<string, string>> RunAsync(
        MySqlEndpoint source, TableSelection selection, BackupSetWriter set, IProgress<string>? progress, CancellationToken ct, int parallel = 1)
    {
        await using var snapshot = await SnapshotConnections.OpenAsync(source, parallel, progress, ct);
        var properties = snapshot.Position;
        if (snapshot.All.Count > 1)
            progress?.Report($"reading tables through {snapshot.All.Count} connections in one snapshot");

        var databases = new List<(DatabaseEntry Entry, List<TableJob> Jobs)>();
        foreach (var (name, charset, collation) in Databases(snapshot.Main, selection))
        {
            progress?.Report($"database {name}");
            databases.Add(DescribeDatabase(snapshot.Main, databases.Count, name, charset, collation, selection));
        }
        var tables = await DumpTablesAsync(source, snapshot, set, databases.SelectMany(d => d.Jobs).ToList(), progress, ct);
        snapshot.Commit();

        var entries = databases.Select(d => d.Entry with { Tables = d.Jobs.Select(j => tables[j]).ToList() }).ToList();
        await using (var catalog = await set.OpenObjectAsync(CatalogObject, ct))
        {
            await JsonSerializer.SerializeAsync(catalog, new LogicalCatalog(entries), BackupManifest.Json, ct);
            await catalog.CompleteAsync(ct);
        }
        properties["databases"] = string.Join(",", entries.Select(d => d.Name));
        logger.LogInformation("Logical backup of {Source}: {Databases} databases, {Tables} tables through {Connections} connection(s)",
            source.Description, entries.Count, tables.Count, snapshot.All.Count);
        return properties;
    }

    /// <summary>One table to dump: where its chunks go and, for scheduling, how large the server thinks it is.</summary>
    private sealed record TableJob(string ObjectPrefix, string Database, string Table, long EstimatedBytes);

    /// <summary>Largest tables first, each on whichever connection is free, so the longest table starts at once.</summary>
    private static async Task<Dictionary<TableJob, TableEntry>> DumpTablesAsync(
        MySqlEndpoint source, SnapshotConnections snapshot, BackupSetWriter set, List<TableJob> jobs, IProgress<string>? progress, CancellationToken ct)
    {
        var done = new System.Collections.Concurrent.ConcurrentDictionary<TableJob, TableEntry>();
        await ConnectionWork.ForEachAsync(snapshot.All, jobs.OrderByDescending(j => j.EstimatedBytes), async (connection, job, token) =>
        {
            progress?.Report($"table {job.Database}.{job.Table}");
            try
            {
                done[job] = await DumpTableAsync(connection, set, job.ObjectPrefix, job.Database, job.Table, token);
            }
            catch (Exception ex) when (ex is MySqlException or IOException && !token.IsCancellationRequested)
            {
                throw new MySqlBackupException(ReadFailure(source, job, ex), ex);
            }
        }, ct);
        return new Dictionary<TableJob, TableEntry>(done);
    }

    /// <summary>
    /// What an operator reads when a table's rows stop coming: which table, from which server, and — when the
    /// connection itself went (the server restarted, or a KILL ended the session) — that it did, not just the
    /// driver's "Failed to read the result set."
    /// </summary>
    private static string ReadFailure(MySqlEndpoint source, TableJob job, Exception ex)
    {
        var lost = ex is IOException
            || ex.InnerException is IOException or System.Net.Sockets.SocketException
            || ex is MySqlException { ErrorCode: MySqlErrorCode.QueryInterrupted or MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.CommandTimeoutExpired };
        return lost
            ? $"The connection to {source.Description} was lost while reading `{job.Database}`.`{job.Table}` ({ex.Message}): the server restarted or ended the session. Nothing of this run is kept; run it again."
            : $"Reading `{job.Database}`.`{job.Table}` from {source.Description} failed: {ex.Message}";
    }

    /// <summary>Synchronous open: see <see cref="SnapshotConnections"/>.</summary>
    internal static MySqlConnection Open(MySqlEndpoint endpoint)
    {
        var connection = new MySqlConnection(endpoint.ConnectionString());
        try
        {
            connection.Open();
            return connection;
        }
        catch (MySqlException ex)
        {
            connection.Dispose();
            throw new MySqlBackupException($"Cannot connect to {endpoint.Description} as {endpoint.User}: {ex.Message}", ex);
        }
    }

    internal static async Task<MySqlConnection> OpenAsync(MySqlEndpoint endpoint, CancellationToken ct)
    {
        var connection = new MySqlConnection(endpoint.ConnectionString());
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch (MySqlException ex)
        {
            await connection.DisposeAsync();
            throw new MySqlBackupException($"Cannot connect to {endpoint.Description} as {endpoint.User}: {ex.Message}", ex);
        }
    }

    private static List<(string Name, string Charset, string Collation)> Databases(MySqlConnection connection, TableSelection selection)
    {
        var all = new List<(string, string, string)>();
        using (var command = new MySqlCommand(
            "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME", connection))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
                all.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        var missing = selection.Databases.Where(d => all.All(a => a.Item1 != d)).ToList();
        if (missing.Count > 0)
            throw new MySqlBackupException($"Unknown database(s) in the selection: {string.Join(", ", missing)}.");
        return all.Where(a => selection.IncludesDatabase(a.Item1)).ToList();
    }

    /// <summary>The database's schema objects, and its tables as jobs for <see cref="DumpTablesAsync"/>.</summary>
    private static (DatabaseEntry, List<TableJob>) DescribeDatabase(
        MySqlConnection connection, int databaseIndex, string database, string charset, string collation, TableSelection selection)
    {
        var baseTables = new List<string>();
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var command = new MySqlCommand(
            "SELECT TABLE_NAME, TABLE_TYPE, IFNULL(DATA_LENGTH, 0) FROM information_schema.TABLES WHERE TABLE_SCHEMA = @db ORDER BY TABLE_NAME", connection))
        {
            command.Parameters.AddWithValue("@db", database);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (reader.GetString(1) == "VIEW")
                    continue;
                baseTables.Add(reader.GetString(0));
                sizes[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(2));
            }
        }
        var unknown = selection.NamedTables.Where(t => t.Database == database && !baseTables.Contains(t.Table)).Select(t => $"{t.Database}.{t.Table}").ToList();
        if (unknown.Count > 0)
            throw new MySqlBackupException($"Unknown table(s) in the selection: {string.Join(", ", unknown)}.");

        var whole = baseTables.All(t => selection.IncludesTable(database, t));
        var jobs = baseTables.Where(t => selection.IncludesTable(database, t))
            .Select((table, index) => new TableJob($"data/{databaseIndex}/{index}", database, table, sizes[table]))
            .ToList();

        // A partial selection keeps only the triggers of its tables: views, routines and events may need what was left out.
        var triggers = ShowCreate(connection, database,
            "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = @db ORDER BY ACTION_ORDER, TRIGGER_NAME",
            (name, _) => $"SHOW CREATE TRIGGER {MySqlNames.Quote(database)}.{MySqlNames.Quote(name)}", 2,
            (_, table) => selection.IncludesTable(database, table));
        var viewObjects = whole
            ? ShowCreate(connection, database,
                "SELECT TABLE_NAME, '' FROM information_schema.VIEWS WHERE TABLE_SCHEMA = @db ORDER BY TABLE_NAME",
                (name, _) => $"SHOW CREATE VIEW {MySqlNames.Quote(database)}.{MySqlNames.Quote(name)}", 1, (_, _) => true)
            : [];
        var routines = whole
            ? ShowCreate(connection, database,
                "SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = @db ORDER BY ROUTINE_TYPE, ROUTINE_NAME",
                (name, type) => $"SHOW CREATE {type} {MySqlNames.Quote(database)}.{MySqlNames.Quote(name)}", 2, (_, _) => true)
            : [];
        var events = whole
            ? ShowCreate(connection, database,
                "SELECT EVENT_NAME, '' FROM information_schema.EVENTS WHERE EVENT_SCHEMA = @db ORDER BY EVENT_NAME",
                (name, _) => $"SHOW CREATE EVENT {MySqlNames.Quote(database)}.{MySqlNames.Quote(name)}", 3, (_, _) => true)
            : [];
        return (new DatabaseEntry(database, charset, collation, [], viewObjects, triggers, routines, events), jobs);
    }

    private static async Task<TableEntry> DumpTableAsync(
        MySqlConnection connection, BackupSetWriter set, string objectPrefix, string database, string table, CancellationToken ct)
    {
        string createSql;
        using (var show = new MySqlCommand($"SHOW CREATE TABLE {MySqlNames.Quote(database)}.{MySqlNames.Quote(table)}", connection))
        using (var reader = show.ExecuteReader())
        {
            reader.Read();
            createSql = reader.GetString(1);
        }

        var columns = new List<(ColumnEntry Entry, string Select)>();
        using (var command = new MySqlCommand(
            "SELECT COLUMN_NAME, DATA_TYPE, EXTRA, IFNULL(CHARACTER_SET_NAME, '') FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = @db AND TABLE_NAME = @t ORDER BY ORDINAL_POSITION", connection))
        {
            command.Parameters.AddWithValue("@db", database);
            command.Parameters.AddWithValue("@t", table);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var (name, type, extra, charset) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
                // Generated columns are recomputed by the server on load.
                if (extra.Contains("GENERATED", StringComparison.OrdinalIgnoreCase))
                    continue;
                var hex = HexTypes.Contains(type);
                var quoted = MySqlNames.Quote(name);
                // CONCAT yields the server's own text for every value; FLOAT goes through DOUBLE so no digit is lost.
                var select = hex ? $"HEX({quoted})" : type.Equals("float", StringComparison.OrdinalIgnoreCase) ? $"CONCAT(CAST({quoted} AS DOUBLE))" : $"CONCAT({quoted})";
                // Text in other charsets becomes UTF-8 here; BINARY hands every value over as raw bytes, undecoded.
                if (!hex && charset.Length > 0 && charset is not ("utf8mb4" or "utf8mb3" or "utf8" or "ascii" or "binary"))
                    select = $"CONVERT({select} USING utf8mb4)";
                select = $"CAST({select} AS BINARY)";
                columns.Add((new ColumnEntry(name, hex), select));
            }
        }

        var chunks = new List<string>();
        long rows = 0;
        // Raw bytes, not strings: no UTF-8 decode and re-encode of every value, which is most of the client's work.
        using var query = new MySqlCommand(
            $"SELECT {string.Join(", ", columns.Select(c => c.Select))} FROM {MySqlNames.Quote(database)}.{MySqlNames.Quote(table)}", connection);
        using var data = query.ExecuteReader();
        // Written on this thread: libzstd's own workers compress, so a hand-off to another thread only added copies.
        BackupObjectWriter? chunk = null;
        var line = new ArrayBufferWriter<byte>(1 << 17);
        var value = new byte[1 << 16];
        try
        {
            // Synchronous row reads: an await per row costs more than the row (thread-pool hops on every socket read).
            while (data.Read())
            {
                if (chunk is null || rows % RowsPerChunk == 0 && rows > 0)
                {
                    ct.ThrowIfCancellationRequested();
                    if (chunk is not null)
                    {
                        await chunk.WriteAsync(line.WrittenMemory, ct);
                        line.ResetWrittenCount();
                        await chunk.CompleteAsync(ct);
                        await chunk.DisposeAsync();
                        chunk = null;
                    }
                    var name = $"{objectPrefix}/{chunks.Count}.tsv";
                    chunk = await set.OpenObjectAsync(name, ct);
                    chunks.Add(name);
                }
                for (var i = 0; i < columns.Count; i++)
                {
                    if (i > 0)
                        line.Write("\t"u8);
                    if (data.IsDBNull(i))
                    {
                        line.Write("\\N"u8);
                        continue;
                    }
                    var length = (int)data.GetBytes(i, 0, null, 0, 0);
                    if (length > value.Length)
                        value = new byte[Math.Max(length, value.Length * 2)];
                    data.GetBytes(i, 0, value, 0, length);
                    AppendEscaped(line, value.AsSpan(0, length));
                }
                line.Write("\n"u8);
                rows++;
                if (line.WrittenCount >= 1 << 16)
                {
                    await chunk.WriteAsync(line.WrittenMemory, ct);
                    line.ResetWrittenCount();
                }
            }
            if (chunk is not null)
            {
                await chunk.WriteAsync(line.WrittenMemory, ct);
                await chunk.CompleteAsync(ct);
            }
        }
        finally
        {
            if (chunk is not null)
                await chunk.DisposeAsync();
        }
        return new TableEntry(table, createSql, columns.Select(c => c.Entry).ToList(), rows, chunks);
    }

    private static readonly SearchValues<byte> Escaped = SearchValues.Create("\\\t\n\r\0"u8);

    /// <summary>LOAD DATA's escapes: backslash, tab, newline, carriage return and NUL (never part of a multi-byte UTF-8 character).</summary>
    private static void AppendEscaped(ArrayBufferWriter<byte> line, ReadOnlySpan<byte> value)
    {
        while (true)
        {
            var next = value.IndexOfAny(Escaped);
            if (next < 0)
            {
                line.Write(value);
                return;
            }
            line.Write(value[..next]);
            line.Write(value[next] switch
            {
                (byte)'\\' => "\\\\"u8,
                (byte)'\t' => "\\t"u8,
                (byte)'\n' => "\\n"u8,
                (byte)'\r' => "\\r"u8,
                _ => "\\0"u8,
            });
            value = value[(next + 1)..];
        }
    }

    private static List<SchemaObject> ShowCreate(
        MySqlConnection connection, string database, string listSql, Func<string, string, string> showSql, int createColumn,
        Func<string, string, bool> include)
    {
        var names = new List<(string, string)>();
        using (var command = new MySqlCommand(listSql, connection))
        {
            command.Parameters.AddWithValue("@db", database);
            using var reader = command.ExecuteReader();
            while (reader.Read())
                names.Add((reader.GetString(0), reader.GetString(1)));
        }
        var objects = new List<SchemaObject>();
        foreach (var (name, detail) in names.Where(n => include(n.Item1, n.Item2)))
        {
            using var show = new MySqlCommand(showSql(name, detail), connection);
            using var reader = show.ExecuteReader();
            reader.Read();
            objects.Add(new SchemaObject(name, MySqlNames.WithoutDefiner(reader.GetString(createColumn))));
        }
        return objects;
    }
}
