using System.CommandLine;
using System.Text.Json;
using BackupConsole.Core.StoragePools.Repository;

namespace BackupConsole.Cli;

/// <summary><c>list --pool URI [--json]</c>: every committed backup set in a pool, read from its manifests alone (X-1).</summary>
internal static class ListCommand
{
    public static Command Create(TextWriter output)
    {
        var pool = CommonOptions.Pool();
        var json = new Option<bool>("--json") { Description = "Print the manifests as a JSON array instead of a table." };
        var command = new Command("list", "List the backups in a pool.") { pool, json };
        command.SetAction((result, ct) => CommonOptions.GuardAsync(result.InvocationConfiguration.Error, async () =>
        {
            var repository = CommonOptions.OpenRepository(result.GetValue(pool)!);
            await using var store = repository.Store;
            var sets = new List<BackupManifest>();
            await foreach (var manifest in repository.ListSetsAsync(ct))
                sets.Add(manifest);
            sets.Sort((a, b) => a.StartedAt.CompareTo(b.StartedAt));

            if (result.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(sets, BackupManifest.Json));
                return ExitCodes.Ok;
            }
            await output.WriteLineAsync($"{"BACKUP",-16} {"TYPE",-12} {"FINISHED (UTC)",-19} {"SIZE",10} {"STORED",10} {"OBJECTS",7} {"ENCRYPTED",-9} SOURCE");
            foreach (var m in sets)
            {
                await output.WriteLineAsync(
                    $"{m.BackupId,-16} {m.BackupType,-12} {m.FinishedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} {Size(m.RawBytes),10} {Size(m.StoredBytes),10} " +
                    $"{m.Objects.Count,7} {(m.Encryption is null ? "no" : "yes"),-9} {m.Source.Kind} {m.Source.Description}");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.0} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB",
    };
}
