using System.Text.Json;
using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>
/// Restores a logical MySQL backup into new databases (R-PLAN-5): tables first, data by bulk load (several tables at
/// once, one connection each), then triggers, views, routines and events. Refuses to write into an existing database
/// that is not empty.
/// </summary>
public sealed class MySqlLogicalRestore(ILogger<MySqlLogicalRestore> logger)
{
    /// <summary>Tables loaded at once by default: the server parses and indexes each load on its own core.</summary>
    public static int DefaultParallel => Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <param name="renames">Original database name → name to restore into; unnamed databases keep their name.</param>
    public async Task RunAsync(
        BackupRepository repository, BackupManifest manifest, EncryptionKey? key, MySqlEndpoint target,
        IReadOnlyDictionary<string, string> renames, IProgress<string>? progress, CancellationToken ct, int parallel = 0)
    {
        parallel = parallel > 0 ? parallel : DefaultParallel;
        if (manifest.Source.Kind != "mysql" || manifest.BackupType != "logical")
            throw new MySqlBackupException($"Backup {manifest.BackupId} is a {manifest.Source.Kind} {manifest.BackupType} backup, not a logical MySQL one.");
        LogicalCatalog catalog;
        await using (var stream = await repository.OpenObjectAsync(manifest, MySqlLogicalBackup.CatalogObject, key, ct))
            catalog = await JsonSerializer.DeserializeAsync<LogicalCatalog>(stream, BackupManifest.Json, ct)
                      ?? throw new MySqlBackupException($"Backup {manifest.BackupId} has an empty catalog.");

        var unknown = renames.Keys.Where(k => catalog.Databases.All(d => d.Name != k)).ToList();
        if (unknown.Count > 0)
            throw new MySqlBackupException($"--rename names database(s) not in the backup: {string.Join(", ", unknown)}.");

        await using var connections = await LoadConnections.OpenAsync(target, parallel, ct);
        var connection = connections.Main;
        foreach (var database in catalog.Databases)
            await RefuseNonEmptyAsync(connection, renames.GetValueOrDefault(database.Name, database.Name), ct);
        TransferProgress.Total(progress, catalog.Databases.Sum(d => d.Tables.Count));

        foreach (var database in catalog.Databases)
        {
            var name = renames.GetValueOrDefault(database.Name, database.Name);
            progress?.Report($"database {database.Name} → {name}");
            await connection.ExecuteAsync(
                $"CREATE DATABASE IF NOT EXISTS {MySqlNames.Quote(name)} CHARACTER SET {database.CharacterSet} COLLATE {database.Collation}", ct);
            // USE, not ChangeDatabase: the connector may reset the session there, losing the SET above.
            await connection.ExecuteAsync("USE " + MySqlNames.Quote(name), ct);
            foreach (var table in database.Tables)
                await connection.ExecuteAsync(table.CreateSql, ct);
            // Largest first, so the longest load starts at once and the others fill the remaining connections.
            await connections.ForEachAsync(database.Tables.OrderByDescending(t => t.Rows), async (loader, table, token) =>
            {
                long loaded = 0;
                foreach (var chunk in table.Chunks)
                {
                    progress?.Report($"table {name}.{table.Name} {chunk}");
                    loaded += await LoadChunkAsync(loader, repository, manifest, key, name, table, chunk, token);
                }
                if (loaded != table.Rows)
                    throw new MySqlBackupException($"{name}.{table.Name}: {loaded} rows loaded, the backup holds {table.Rows}.");
                TransferProgress.Count(progress, 1);
            }, ct);
            foreach (var trigger in database.Triggers)
                await connection.ExecuteAsync(MySqlNames.Requalify(trigger.CreateSql, database.Name, name), ct);
            await CreateViewsAsync(connection, database, name, ct);
            foreach (var routine in database.Routines.Concat(database.Events))
                await connection.ExecuteAsync(MySqlNames.Requalify(routine.CreateSql, database.Name, name), ct);
        }
        logger.LogInformation("Restored {BackupId} into {Target}", manifest.BackupId, target.Description);
    }

    private static async Task RefuseNonEmptyAsync(MySqlConnection connection, string database, CancellationToken ct)
    {
        await using var command = new MySqlCommand(
            "SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = @db) + " +
            "(SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = @db)", connection);
        command.Parameters.AddWithValue("@db", database);
        if (Convert.ToInt64(await command.ExecuteScalarAsync(ct)) > 0)
            throw new MySqlBackupException($"Database {database} already exists and is not empty; restore into a new name with --rename.");
    }

    /// <returns>The rows loaded. LOAD DATA LOCAL turns bad values into warnings; any warning fails the restore.</returns>
    private static async Task<int> LoadChunkAsync(
        MySqlConnection connection, BackupRepository repository, BackupManifest manifest, EncryptionKey? key, string database, TableEntry table,
        string chunk, CancellationToken ct)
    {
        await using var data = await repository.OpenObjectAsync(manifest, chunk, key, ct);
        var loader = new MySqlBulkLoader(connection)
        {
            TableName = MySqlNames.Quote(database) + "." + MySqlNames.Quote(table.Name),
            SourceStream = data,
            Local = true,
            CharacterSet = "utf8mb4",
            FieldTerminator = "\t",
            LineTerminator = "\n",
            EscapeCharacter = '\\',
            FieldQuotationCharacter = '\0',
            ConflictOption = MySqlBulkLoaderConflictOption.None,
        };
        // MariaDB ignores NO_AUTO_VALUE_ON_ZERO for columns loaded directly once LOAD DATA has a SET clause, turning an
        // AUTO_INCREMENT 0 into a new id; so when hex columns need SET, every column goes through a variable.
        var viaVariables = table.Columns.Any(c => c.Hex);
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var column = table.Columns[i];
            if (!viaVariables)
            {
                loader.Columns.Add(MySqlNames.Quote(column.Name));
                continue;
            }
            loader.Columns.Add($"@c{i}");
            loader.Expressions.Add($"{MySqlNames.Quote(column.Name)} = {(column.Hex ? $"UNHEX(@c{i})" : $"@c{i}")}");
        }
        var rows = await loader.LoadAsync(ct);
        await using var warnings = new MySqlCommand("SHOW WARNINGS LIMIT 3", connection);
        await using var reader = await warnings.ExecuteReaderAsync(ct);
        var messages = new List<string>();
        while (await reader.ReadAsync(ct))
            messages.Add(reader.GetString(2));
        if (messages.Count > 0)
            throw new MySqlBackupException($"Loading {table.Name} ({chunk}) changed data: {string.Join(" / ", messages)}");
        return rows;
    }

    /// <summary>Views may select from other views: create what can be created until nothing is left or nothing moves.</summary>
    private static async Task CreateViewsAsync(MySqlConnection connection, DatabaseEntry database, string name, CancellationToken ct)
    {
        var pending = database.Views.ToList();
        while (pending.Count > 0)
        {
            var failed = new List<SchemaObject>();
            MySqlException? last = null;
            foreach (var view in pending)
            {
                try
                {
                    await connection.ExecuteAsync(MySqlNames.Requalify(view.CreateSql, database.Name, name), ct);
                }
                catch (MySqlException ex) when (ex.ErrorCode is MySqlErrorCode.NoSuchTable)
                {
                    failed.Add(view);
                    last = ex;
                }
            }
            if (failed.Count == pending.Count)
                throw new MySqlBackupException($"Views of {name} could not be created: {last!.Message}", last);
            pending = failed;
        }
    }
}
