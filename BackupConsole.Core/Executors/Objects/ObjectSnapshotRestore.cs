using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.Executors.Objects;

/// <summary>
/// Restores an object-storage snapshot into a new bucket or prefix (R-PLAN-5): keys, content, content types and user
/// metadata come back; large objects are written as multipart uploads part by part. A target that already holds
/// objects is refused unless asked.
/// </summary>
public sealed class ObjectSnapshotRestore(ILogger<ObjectSnapshotRestore> logger)
{
    public sealed record Result(int Objects, long Bytes);

    public async Task<Result> RunAsync(
        BackupRepository repository, BackupManifest manifest, EncryptionKey? key, ObjectStorageBucket target, bool overwrite, IProgress<string>? progress, CancellationToken ct)
    {
        if (manifest.Source.Kind != ObjectSnapshotRunner.SourceKind)
            throw new BackupException($"Backup {manifest.BackupId} is a {manifest.Source.Kind} backup, not an object-storage snapshot.");
        var entries = await SnapshotIndex.ReadAsync<ObjectEntry>(repository, manifest, ObjectSnapshotBackup.IndexObject, key, ct);
        // Keys are opaque to S3, but some S3 services and every file-backed one resolve these; never write them.
        var unsafeKey = entries.FirstOrDefault(e => e.Key.Length == 0 || e.Key.Contains('\0') || e.Key.Split('/').Any(s => s is "." or ".."));
        if (unsafeKey is not null)
            throw new InvalidDataException($"Backup {manifest.BackupId} holds the key '{unsafeKey.Key}', which could land outside the target prefix; it is refused.");
        if (!await target.PrepareTargetAsync(ct) && !overwrite)
            throw new BackupException($"{target.Description} already holds objects; restore into a new bucket or prefix, or ask to overwrite.");

        await using var blobs = new BlobStore(repository);
        var suffix = manifest.Properties.GetValueOrDefault("blobSuffix", "");
        long bytes = 0;
        progress?.Report($"restoring {entries.Count} objects into {target.Description}");
        TransferProgress.Total(progress, entries.Count);
        await Parallel.ForEachAsync(entries.OrderByDescending(e => e.Size),
            new ParallelOptions { MaxDegreeOfParallelism = ObjectSnapshotBackup.Parallel, CancellationToken = ct }, async (entry, token) =>
            {
                long written = 0;
                await target.WriteAsync(entry, async (index, partToken) =>
                {
                    var content = await blobs.ReadAsync(manifest.BackupId, entry.Parts[index], suffix, key, partToken);
                    written += content.Length;
                    return content;
                }, token);
                if (written != entry.Size)
                    throw new ChecksumMismatchException(manifest.BackupId, entry.Key, $"{written} bytes restored, {entry.Size} recorded");
                Interlocked.Add(ref bytes, written);
                TransferProgress.Count(progress, 1);
            });
        logger.LogInformation("Restored {BackupId} into {Target}: {Objects} objects, {Bytes} bytes", manifest.BackupId, target.Description, entries.Count, bytes);
        return new Result(entries.Count, bytes);
    }
}
