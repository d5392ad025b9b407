using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.Executors;

/// <summary>Runs one MySQL backup into a repository and commits it: the same path for the UI, the API and the command line.</summary>
public sealed class MySqlBackupRunner(MySqlLogicalBackup logical, MariaBackupPhysical physical, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> SupportedTypes = ["logical", "physical"];

    public async Task<BackupManifest> RunAsync(
        BackupRepository repository, MySqlEndpoint source, string type, TableSelection selection, string? planId,
        IProgress<string>? progress, CancellationToken ct)
    {
        if (!SupportedTypes.Contains(type))
            throw new MySqlBackupException($"MySQL backup type '{type}' is not available; use {string.Join(" or ", SupportedTypes)}.");
        var description = source.Description + (selection.IsEverything ? "" : " (" + string.Join(", ", selection.Databases) + ")");
        var header = new BackupSetHeader(ResourceIds.New(ResourceIds.BackupSet), new ManifestSource("mysql", description), type,
            clock.GetUtcNow(), planId);
        // Disposing without a commit removes every object written: a failed backup leaves nothing behind.
        await using var set = repository.CreateSet(header);
        var properties = type == "logical"
            ? await logical.RunAsync(source, selection, set, progress, ct)
            : await physical.BackupAsync(source, selection, set, progress, ct);
        return await set.CommitAsync(properties, ct);
    }
}
