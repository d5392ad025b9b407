using BackupConsole.Core.StoragePools.Repository;

namespace BackupConsole.Core.Executors.Objects;

/// <summary>Runs one object-storage snapshot into a repository and commits it: the same path for the UI, the API and the command line.</summary>
public sealed class ObjectSnapshotRunner(ObjectSnapshotBackup snapshot, TimeProvider clock)
{
    public const string SourceKind = "object-storage";

    /// <param name="baseBackupId">The snapshot whose unchanged objects need not be read again; null takes the newest of the same source.</param>
    public async Task<BackupManifest> RunAsync(
        BackupRepository repository, ObjectStorageBucket source, string type, string? planId, string? baseBackupId, IProgress<string>? progress, CancellationToken ct, string? backupId = null)
    {
        if (type != "snapshot")
            throw new BackupException($"Object storage is backed up as snapshots; '{type}' is not available for it.");
        var previous = baseBackupId is not null
            ? await repository.ReadManifestAsync(baseBackupId, ct) ?? throw new BackupNotFoundException(baseBackupId, repository.Store.Location)
            : await repository.NewestAsync(m => m.Source.Kind == SourceKind && m.Source.Description == source.Description, ct);
        return await BackupSetRun.RunAsync(repository, clock, new ManifestSource(SourceKind, source.Description), "snapshot", planId, null,
            set => snapshot.RunAsync(source, repository, previous, set, progress, ct), ct, backupId);
    }
}
