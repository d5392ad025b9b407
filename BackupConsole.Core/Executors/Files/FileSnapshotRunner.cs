using BackupConsole.Core.StoragePools.Repository;

namespace BackupConsole.Core.Executors.Files;

/// <summary>Runs one file-storage snapshot into a repository and commits it: the same path for the UI, the API and the command line.</summary>
public sealed class FileSnapshotRunner(FileSnapshotBackup snapshot, TimeProvider clock)
{
    public const string SourceKind = "file-storage";

    /// <param name="baseBackupId">The snapshot whose unchanged files need not be read again; null takes the newest of the same directory.</param>
    public async Task<BackupManifest> RunAsync(
        BackupRepository repository, string directory, string type, string? planId, string? baseBackupId, IProgress<string>? progress, CancellationToken ct, string? backupId = null)
    {
        if (type != "snapshot")
            throw new BackupException($"File storage is backed up as snapshots; '{type}' is not available for it.");
        if (!Path.IsPathFullyQualified(directory))
            throw new FormatException($"'{directory}' is not an absolute directory path.");
        directory = Path.TrimEndingDirectorySeparator(directory);
        var previous = baseBackupId is not null
            ? await repository.ReadManifestAsync(baseBackupId, ct) ?? throw new BackupNotFoundException(baseBackupId, repository.Store.Location)
            : await repository.NewestAsync(m => m.Source.Kind == SourceKind && m.Source.Description == directory, ct);
        return await BackupSetRun.RunAsync(repository, clock, new ManifestSource(SourceKind, directory), "snapshot", planId, null,
            set => snapshot.RunAsync(directory, repository, previous, set, progress, ct), ct, backupId);
    }
}
