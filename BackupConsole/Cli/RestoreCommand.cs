using System.CommandLine;
using BackupConsole.Core.Executors;
using BackupConsole.Core.Executors.Files;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.Executors.Objects;
using BackupConsole.Core.Executors.Redis;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupConsole.Cli;

/// <summary><c>restore --pool URI --backup ID --target URI [--rename OLD=NEW ...] [--start-port N] [--overwrite]</c>: restores into new targets.</summary>
internal static class RestoreCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var pool = CommonOptions.Pool();
        var backup = new Option<string>("--backup") { Description = "The backup's ID (dbsbak-…).", Required = true };
        var target = new Option<string>("--target")
        {
            Description = $"Where to restore: mysql://USER:PASSWORD@HOST:PORT for logical MySQL backups (password also from {MySqlEndpoint.PasswordVariable}); " +
                          "file:///NEW/DIR for physical, incremental and snapshot ones (a data directory ready to start; an incremental's whole chain is applied) and for file-storage snapshots; " +
                          "s3://ACCESS:SECRET@HOST:PORT/BUCKET[/PREFIX][?tls=false] for object-storage snapshots (a new bucket or prefix); " +
                          $"redis://[USER:]PASSWORD@HOST:PORT[/DB] for Redis ones (password also from {RedisEndpoint.PasswordVariable}).",
            Required = true,
        };
        var startPort = new Option<int?>("--start-port") { Description = "Physical, incremental and snapshot backups: start a MariaDB server on the restored directory, on 127.0.0.1 at this port." };
        var rename = new Option<string[]>("--rename")
        {
            Description = "Restore database OLD as NEW (repeatable); an existing non-empty database is never written into.",
            AllowMultipleArgumentsPerToken = false,
        };
        var overwrite = new Option<bool>("--overwrite") { Description = "Redis: restore into databases that already hold keys; object storage: into a bucket or prefix that holds objects (same-named keys are replaced)." };
        var command = new Command("restore", "Restore a backup into a new target.") { pool, backup, target, rename, startPort, overwrite };
        command.SetAction((result, ct) => CommonOptions.GuardAsync(error, async () =>
        {
            var id = result.GetValue(backup)!;
            if (!ObjectKeys.IsValid(id) || id.Contains('/'))
                throw new FormatException($"'{id}' is not a backup ID.");
            var repository = CommonOptions.OpenRepository(result.GetValue(pool)!);
            await using var store = repository.Store;
            var manifest = await repository.ReadManifestAsync(id, ct) ?? throw new BackupNotFoundException(id, store.Location);
            var key = CommonOptions.KeyFromEnvironment();
            var progress = new StderrProgress(error);
            var to = result.GetValue(target)!;
            var dataDirectory = manifest.Source.Kind == "mysql" && MySqlDataDirectoryRestore.Types.Contains(manifest.BackupType);
            if (result.GetValue(rename) is { Length: > 0 } && (manifest.Source.Kind != "mysql" || dataDirectory))
                throw new FormatException($"--rename applies to logical MySQL backups; {id} is a {manifest.Source.Kind} {manifest.BackupType} backup.");
            if (result.GetValue(startPort) is not null && !dataDirectory)
                throw new FormatException($"--start-port applies to physical, incremental and snapshot MySQL backups; {id} is a {manifest.Source.Kind} {manifest.BackupType} backup.");
            switch (manifest.Source.Kind)
            {
                case "mysql" when MySqlDataDirectoryRestore.Types.Contains(manifest.BackupType):
                    var directory = LocalDirectory(to);
                    await Engines.DataDirectoryRestore().RestoreAsync(repository, manifest, key, directory, progress, ct);
                    await output.WriteLineAsync($"restored {id} ({manifest.BackupType}) into {directory}, a data directory ready to start");
                    if (result.GetValue(startPort) is { } port)
                    {
                        var pid = await MariaDbServerProcess.StartAsync(directory, port, ct);
                        await output.WriteLineAsync($"started mariadbd (pid {pid}) on 127.0.0.1:{port}");
                    }
                    break;
                case "mysql":
                    var endpoint = MySqlEndpoint.Parse(to);
                    await new MySqlLogicalRestore(NullLogger<MySqlLogicalRestore>.Instance).RunAsync(
                        repository, manifest, key, endpoint, Renames(result.GetValue(rename)), progress, ct);
                    await output.WriteLineAsync($"restored {id} into {endpoint.Description}");
                    break;
                case "redis":
                    var redis = RedisEndpoint.Parse(to);
                    var restored = await new RedisLogicalRestore(NullLogger<RedisLogicalRestore>.Instance).RunAsync(
                        repository, manifest, key, redis, result.GetValue(overwrite), progress, ct);
                    await output.WriteLineAsync($"restored {id} into {redis.Description}: {restored.Restored} keys ({restored.Expired} had expired since the backup)");
                    break;
                case FileSnapshotRunner.SourceKind:
                    var into = LocalDirectory(to);
                    var files = await new FileSnapshotRestore(NullLogger<FileSnapshotRestore>.Instance).RunAsync(repository, manifest, key, into, progress, ct);
                    await output.WriteLineAsync($"restored {id} into {into}: {files.Entries} entries, {files.Bytes} bytes");
                    break;
                case ObjectSnapshotRunner.SourceKind:
                    var (settings, prefix) = Core.StoragePools.PoolUri.ParseS3(to);
                    using (var bucket = new ObjectStorageBucket(settings, prefix))
                    {
                        var objects = await new ObjectSnapshotRestore(NullLogger<ObjectSnapshotRestore>.Instance).RunAsync(
                            repository, manifest, key, bucket, result.GetValue(overwrite), progress, ct);
                        await output.WriteLineAsync($"restored {id} into {bucket.Description}: {objects.Objects} objects, {objects.Bytes} bytes");
                    }
                    break;
                default:
                    throw new BackupException($"Backup {id} is of a {manifest.Source.Kind} source, which this version cannot restore.");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Dictionary<string, string> Renames(string[]? pairs)
    {
        var renames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new FormatException($"--rename takes OLD=NEW, not '{pair}'.");
            renames[parts[0]] = parts[1];
        }
        return renames;
    }

    private static string LocalDirectory(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Scheme == "file" && parsed.Host.Length == 0
            ? Uri.UnescapeDataString(parsed.AbsolutePath)
            : throw new FormatException("This backup restores into a new directory: --target file:///ABS/PATH.");
}
