using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.StoragePools.Repository;

namespace BackupConsole.Core.Executors;

/// <summary>Runs one MySQL backup into a repository and commits it: the same path for the UI, the API and the command line.</summary>
public sealed class MySqlBackupRunner(
    MySqlLogicalBackup logical, MariaBackupPhysical physical, MySqlSnapshotBackup snapshot, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> SupportedTypes = ["logical", "physical", "snapshot", "incremental"];

    public const int MaxParallel = 32;

    /// <param name="baseBackupId">Incrementals: the set to build on; null takes the newest physical or incremental
    /// backup of the same server and selection in the pool.</param>
    /// <param name="parallel">Logical: connections reading tables at once, all in one snapshot.</param>
    public async Task<BackupManifest> RunAsync(
        BackupRepository repository, MySqlEndpoint source, string type, TableSelection selection, string? planId,
        IProgress<string>? progress, CancellationToken ct, string? baseBackupId = null, int parallel = 1, string? backupId = null)
    {
        if (parallel is < 1 or > MaxParallel)
            throw new MySqlBackupException($"Parallel reads must be between 1 and {MaxParallel}, not {parallel}.");
        if (!SupportedTypes.Contains(type))
            throw new MySqlBackupException($"MySQL backup type '{type}' is not available; use {string.Join(", ", SupportedTypes)}.");
        if (baseBackupId is not null && type != "incremental")
            throw new MySqlBackupException($"Only an incremental backup builds on a base; a {type} backup stands alone.");
        var parent = type == "incremental" ? await ParentAsync(repository, source, selection, baseBackupId, ct) : null;
        if (parent is not null)
            progress?.Report($"incremental on {parent.BackupId} ({parent.BackupType}, {parent.FinishedAt:u})");

        var description = source.Description + (selection.IsEverything ? "" : " (" + string.Join(", ", selection.Databases) + ")");
        return await BackupSetRun.RunAsync(repository, clock, new ManifestSource("mysql", description), type, planId, parent?.BackupId,
            async set => type switch
            {
                "logical" => await logical.RunAsync(source, selection, set, progress, ct, parallel),
                "snapshot" => await snapshot.BackupAsync(source, selection, set, progress, ct),
                _ => await physical.BackupAsync(source, selection, parent, set, progress, ct),
            }, ct, backupId);
    }

    private static async Task<BackupManifest> ParentAsync(
        BackupRepository repository, MySqlEndpoint source, TableSelection selection, string? baseBackupId, CancellationToken ct)
    {
        if (baseBackupId is not null)
            return await repository.ReadManifestAsync(baseBackupId, ct)
                   ?? throw new BackupNotFoundException(baseBackupId, repository.Store.Location,
                       $"The base backup {baseBackupId} is not in {repository.Store.Location}.");
        var newest = await repository.NewestAsync(manifest => manifest.BackupType is "physical" or "incremental"
            && manifest.Properties.GetValueOrDefault("server") == source.Description
            && manifest.Properties.GetValueOrDefault("datadir") == source.DataDirectory
            && manifest.Properties.GetValueOrDefault("selection") == selection.ToString(), ct);
        return newest ?? throw new MySqlBackupException(
            $"No physical backup of {source.Description} ({source.DataDirectory}) with this selection is in {repository.Store.Location} to build on; take a physical backup first, or name one with --base.");
    }
}
