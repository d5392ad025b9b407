using System.CommandLine;
using BackupConsole.Core.Executors;
using BackupConsole.Core.Executors.Files;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.Executors.Objects;
using BackupConsole.Core.Executors.Redis;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.StoragePools.Repository;

namespace BackupConsole.Cli;

/// <summary>
/// <c>backup --source URI --type logical|physical|snapshot|incremental --pool URI [--include db1,db2.table1] [--base ID] [--parallel N]</c>: progress on stderr, the new backup's
/// ID as the last line of stdout. Sets are encrypted when <c>BACKUPCONSOLE_ENCRYPTION_KEY</c> is set.
/// </summary>
internal static class BackupCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var source = new Option<string>("--source")
        {
            Description = $"What to back up: mysql://USER:PASSWORD@HOST:PORT[?datadir=/path] (password also from {MySqlEndpoint.PasswordVariable}; " +
                          $"physical, snapshot and incremental need datadir), redis://[USER:]PASSWORD@HOST:PORT[/DB] (password also from {RedisEndpoint.PasswordVariable}), file:///ABS/DIR (file storage) or s3://ACCESS:SECRET@HOST:PORT/BUCKET[/PREFIX][?tls=false] (object storage; both --type snapshot).",
            Required = true,
        };
        var type = new Option<string>("--type") { Description = "The backup type.", Required = true };
        type.AcceptOnlyFromAmong([.. MySqlBackupRunner.SupportedTypes]);
        var pool = CommonOptions.Pool();
        var include = new Option<string?>("--include") { Description = "Databases and tables to take, e.g. db1,db2.table1 (default: every user database)." };
        var baseId = new Option<string?>("--base")
        {
            Description = "MySQL incremental: the backup to build on (dbsbak-…); default: the newest physical or incremental backup of the same server and selection in the pool. " +
                          "File snapshot: the snapshot whose unchanged files are not read again; default: the newest of the same directory.",
        };
        var parallel = new Option<int>("--parallel")
        {
            Description = $"Logical: tables read at once, through that many connections sharing one snapshot (1–{MySqlBackupRunner.MaxParallel}; default: the cores, 2 to 4).",
            DefaultValueFactory = _ => Math.Clamp(Environment.ProcessorCount, 2, 4),
        };
        var command = new Command("backup", "Back up a source into a pool.") { source, type, pool, include, baseId, parallel };
        command.SetAction((result, ct) => CommonOptions.GuardAsync(error, async () =>
        {
            var uri = result.GetValue(source)!;
            var scheme = Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed.Scheme : "";
            if (scheme != "mysql" && result.GetValue(include) is not null)
                throw new FormatException("--include applies to MySQL sources.");
            if (scheme == "redis" && result.GetValue(baseId) is not null)
                throw new FormatException("--base applies to MySQL incrementals and file and object snapshots.");
            var key = CommonOptions.KeyFromEnvironment();
            await using var store = PoolUri.Open(result.GetValue(pool)!);
            await store.EnsureBucketAsync(ct);
            var repository = new BackupRepository(store, new RepositoryOptions { Encryption = key }, TimeProvider.System);
            var progress = new StderrProgress(error);
            var manifest = scheme switch
            {
                "mysql" => await Engines.MySqlRunner().RunAsync(repository, MySqlEndpoint.Parse(uri), result.GetValue(type)!,
                    TableSelection.Parse(result.GetValue(include)), planId: null, progress, ct, result.GetValue(baseId), result.GetValue(parallel)),
                "redis" => await Engines.RedisRunner().RunAsync(repository, RedisEndpoint.Parse(uri), result.GetValue(type)!, planId: null, progress, ct),
                "file" => await Engines.FileRunner().RunAsync(repository, LocalPath(parsed!), result.GetValue(type)!, planId: null, result.GetValue(baseId), progress, ct),
                "s3" => await SnapshotObjectsAsync(repository, uri, result.GetValue(type)!, result.GetValue(baseId), progress, ct),
                _ => throw new FormatException(
                    "A source is mysql://USER:PASSWORD@HOST:PORT[?datadir=/path], redis://[USER:]PASSWORD@HOST:PORT[/DB], " +
                    "s3://ACCESS:SECRET@HOST:PORT/BUCKET[/PREFIX] (object storage) or file:///ABS/DIR (file storage)."),
            };
            await error.WriteLineAsync($"done: {manifest.Objects.Count} objects, {manifest.RawBytes} bytes ({manifest.StoredBytes} stored)");
            await output.WriteLineAsync(manifest.BackupId);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string LocalPath(Uri uri) =>
        uri.Host.Length == 0 ? Uri.UnescapeDataString(uri.AbsolutePath) : throw new FormatException("A file URI has no host: file:///absolute/path.");

    private static async Task<Core.StoragePools.Repository.BackupManifest> SnapshotObjectsAsync(
        BackupRepository repository, string uri, string type, string? baseId, IProgress<string> progress, CancellationToken ct)
    {
        var (settings, prefix) = PoolUri.ParseS3(uri);
        using var bucket = new ObjectStorageBucket(settings, prefix);
        return await Engines.ObjectRunner().RunAsync(repository, bucket, type, planId: null, baseId, progress, ct);
    }
}
