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
            Description = $"Where to restore: mysql://USER:PASSWORD@HOST:PORT (password also from {MySqlEndpoint.PasswordVariable}).",
            Required = true,
        };
        var rename = new Option<string[]>("--rename")
        {
            Description = "Restore database OLD as NEW (repeatable); an existing non-empty database is never written into.",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("restore", "Restore a backup into a new target.") { pool, backup, target, rename };
        command.SetAction((result, ct) => CommonOptions.GuardAsync(error, async () =>
        {
            var id = result.GetValue(backup)!;
            if (!ObjectKeys.IsValid(id) || id.Contains('/'))
                throw new FormatException($"'{id}' is not a backup ID.");
            var endpoint = MySqlEndpoint.Parse(result.GetValue(target)!);
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
            await new MySqlLogicalRestore(NullLogger<MySqlLogicalRestore>.Instance).RunAsync(
                repository, manifest, CommonOptions.KeyFromEnvironment(), endpoint, renames, new StderrProgress(error), ct);
            await output.WriteLineAsync($"restored {id} into {endpoint.Description}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
