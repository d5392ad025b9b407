using System.CommandLine;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupConsole.Cli;

/// <summary><c>restore --pool URI --backup ID --target URI [--rename OLD=NEW ...]</c>: restores into new databases only.</summary>
internal static class RestoreCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var pool = CommonOptions.Pool();
        var backup = new Option<string>("--backup") { Description = "The backup's ID (dbsbak-…).", Required = true };
        var target = new Option<string>("--target")
        {
            Description = $"Where to restore: mysql://USER:PASSWORD@HOST:PORT for logical backups (password also from {MySqlEndpoint.PasswordVariable}); " +
                          "file:///NEW/DIR for physical, incremental and snapshot ones (a data directory ready to start; an incremental's whole chain is applied).",
            Required = true,
        };
        var startPort = new Option<int?>("--start-port") { Description = "Physical, incremental and snapshot backups: start a MariaDB server on the restored directory, on 127.0.0.1 at this port." };
        var rename = new Option<string[]>("--rename")
        {
            Description = "Restore database OLD as NEW (repeatable); an existing non-empty database is never written into.",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("restore", "Restore a backup into a new target.") { pool, backup, target, rename, startPort };
        command.SetAction((result, ct) => CommonOptions.GuardAsync(error, async () =>
        {
            var id = result.GetValue(backup)!;
            if (!ObjectKeys.IsValid(id) || id.Contains('/'))
                throw new FormatException($"'{id}' is not a backup ID.");
            var renames = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in result.GetValue(rename) ?? [])
            {
                var parts = pair.Split('=', 2);
                if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                    throw new FormatException($"--rename takes OLD=NEW, not '{pair}'.");
                renames[parts[0]] = parts[1];
            }
            var repository = CommonOptions.OpenRepository(result.GetValue(pool)!);
            await using var store = repository.Store;
            var manifest = await repository.ReadManifestAsync(id, ct) ?? throw new BackupNotFoundException(id, store.Location);
            var key = CommonOptions.KeyFromEnvironment();
            if (MySqlDataDirectoryRestore.Types.Contains(manifest.BackupType))
            {
                var directory = LocalDirectory(result.GetValue(target)!);
                await Engines.DataDirectoryRestore().RestoreAsync(repository, manifest, key, directory, new StderrProgress(error), ct);
                await output.WriteLineAsync($"restored {id} ({manifest.BackupType}) into {directory}, a data directory ready to start");
                if (result.GetValue(startPort) is { } port)
                {
                    var pid = await MariaDbServerProcess.StartAsync(directory, port, ct);
                    await output.WriteLineAsync($"started mariadbd (pid {pid}) on 127.0.0.1:{port}");
                }
                return ExitCodes.Ok;
            }
            var endpoint = MySqlEndpoint.Parse(result.GetValue(target)!);
            await new MySqlLogicalRestore(NullLogger<MySqlLogicalRestore>.Instance).RunAsync(
                repository, manifest, key, endpoint, renames, new StderrProgress(error), ct);
            await output.WriteLineAsync($"restored {id} into {endpoint.Description}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string LocalDirectory(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Scheme == "file" && parsed.Host.Length == 0
            ? Uri.UnescapeDataString(parsed.AbsolutePath)
            : throw new FormatException("A physical, incremental or snapshot backup restores into a new directory: --target file:///ABS/PATH.");
}
