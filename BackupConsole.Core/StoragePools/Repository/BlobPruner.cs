using BackupConsole.Core.StoragePools.ObjectStores;

namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>
/// Removes blobs no committed set references any more (after sets were deleted by retention or by hand). A blob is
/// kept while any set's <c>blobs.txt</c> names it, and while it is younger than the grace period: a snapshot still
/// running has written blobs that no manifest names yet.
/// </summary>
public static class BlobPruner
{
    public sealed record Result(int Referenced, int Deleted, long DeletedBytes, int KeptYoung);

    /// <param name="keys">Keys of encrypted sets, by fingerprint; a set whose references cannot be read stops the prune.</param>
    public static async Task<Result> PruneAsync(
        BackupRepository repository, IReadOnlyCollection<EncryptionKey> keys, TimeSpan grace, TimeProvider clock, CancellationToken ct)
    {
        // Taken before reading references: a blob written after this moment is young whatever the sets say.
        var cutoff = clock.GetUtcNow() - grace;
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var manifest in repository.ListSetsAsync(ct))
        {
            if (manifest.Objects.All(o => o.Name != BlobStore.ReferencesObject))
                continue;
            var key = manifest.Encryption is { } encryption
                ? keys.FirstOrDefault(k => k.Fingerprint == encryption.KeyFingerprint)
                  ?? throw new InvalidOperationException(
                      $"Backup {manifest.BackupId} is encrypted with key '{encryption.KeyId}', which is not at hand: without its references no blob can be pruned safely.")
                : null;
            await using var list = await repository.OpenObjectAsync(manifest, BlobStore.ReferencesObject, key, ct);
            using var reader = new StreamReader(list);
            while (await reader.ReadLineAsync(ct) is { Length: > 0 } id)
                referenced.Add(id);
        }

        var doomed = new List<ObjectInfo>();
        var young = 0;
        await foreach (var blob in repository.Store.ListAsync(BlobStore.Prefix, ct))
        {
            var name = blob.Key[(blob.Key.LastIndexOf('/') + 1)..];
            var id = name.Split('.')[0];
            if (referenced.Contains(id))
                continue;
            if (blob.LastModified > cutoff)
                young++;
            else
                doomed.Add(blob);
        }
        foreach (var blob in doomed)
            await repository.Store.DeleteAsync(blob.Key, ct);
        return new Result(referenced.Count, doomed.Count, doomed.Sum(b => b.Size), young);
    }
}
