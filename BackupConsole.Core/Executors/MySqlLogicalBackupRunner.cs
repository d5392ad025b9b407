using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.Executors;

/// <summary>Runs one logical MySQL backup into a repository and commits it: the same path for the UI, the API and the command line.</summary>
public sealed class MySqlLogicalBackupRunner(MySqlLogicalBackup engine, TimeProvider clock)
{
    public async Task<BackupManifest> RunAsync(
        BackupRepository repository, MySqlEndpoint source, TableSelection selection, string? planId, IProgress<string>? progress, CancellationToken ct)
    {
        var description = source.Description + (selection.IsEverything ? "" : " (" + string.Join(", ", selection.Databases) + ")");
        var header = new BackupSetHeader(ResourceIds.New(ResourceIds.BackupSet), new ManifestSource("mysql", description), "logical",
            clock.GetUtcNow(), planId);
        // Disposing without a commit removes every object written: a failed backup leaves nothing behind.
        await using var set = repository.CreateSet(header);
        var properties = await engine.RunAsync(source, selection, set, progress, ct);
        return await set.CommitAsync(properties, ct);
    }
}
