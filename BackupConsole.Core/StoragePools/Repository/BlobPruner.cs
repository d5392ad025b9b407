using BackupConsole.Core.StoragePools.ObjectStores;

namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>
/// Removes blobs no committed set references any more (after sets were deleted by retention or by hand). A blob is
/// kept while any set's <c>blobs.txt</c> names it, and while its pack is younger than the grace period: a snapshot
/// still running has written blobs that no manifest names yet. A pack none of whose blobs is needed is deleted; one
/// that holds more than <see cref="MaxUnusedShare"/> of unneeded bytes is rewritten with only the needed ones. The new
/// index is written before anything is deleted, so a prune that stops half-way leaves copies, never gaps, and the next
/// prune removes the copies.
/// </summary>
public static class BlobPruner
{
    /// <param name="Deleted">Blobs removed (unreferenced, or spare copies of a blob another pack keeps).</param>
    /// <param name="DeletedBytes">Stored bytes given back to the pool.</param>
    /// <param name="KeptYoung">Unreferenced blobs kept because they are younger than the grace period.</param>
    /// <param name="WaitingFor">Snapshots running in the pool; while there are any, nothing is deleted (the pool's next prune frees it).</param>
    public sealed record Result(int Referenced, int Deleted, long DeletedBytes, int KeptYoung, int PacksDeleted, int PacksRewritten,
        IReadOnlyList<string> WaitingFor)
    {
        public static Result Waiting(IReadOnlyList<string> runs) => new(0, 0, 0, 0, 0, 0, runs);
    }

    /// <summary>
    /// A running marker older than this belongs to a run that died where nothing cleaned up after it (a command line
    /// killed mid-snapshot); it stops holding pruning back. Console runs remove theirs when they are failed on restart.
    /// </summary>
    public static readonly TimeSpan StaleRunningMarker = TimeSpan.FromDays(7);

    /// <summary>Above this share of unneeded bytes a pack is rewritten; below it, rewriting costs more than the space is worth.</summary>
    public const double MaxUnusedShare = 0.2;

    /// <param name="keys">Keys of encrypted sets, by fingerprint; a set whose references cannot be read stops the prune.</param>
    public static async Task<Result> PruneAsync(
        BackupRepository repository, IReadOnlyCollection<EncryptionKey> keys, TimeSpan grace, TimeProvider clock, CancellationToken ct)
    {
        var store = repository.Store;
        // A running snapshot may reuse any blob some set referenced when it started, even one whose set is deleted
        // since: only its own manifest will say so. Checked first; a snapshot starting later learns only the sets
        // that are left, whose blobs this prune keeps.
        var running = await RunningSnapshotsAsync(store, clock.GetUtcNow() - StaleRunningMarker, ct);
        if (running.Count > 0)
            return Result.Waiting(running);
        // Taken before reading references: a blob written after this moment is young whatever the sets say.
        var cutoff = clock.GetUtcNow() - grace;
        var referenced = await ReferencedAsync(repository, keys, ct);
        // Packs are listed before the index is read: a pack listed here whose run has not written its index yet is one
        // this prune cannot tell from a dead run's, and only the grace period keeps it.
        var packs = await store.ListAsync(PackKeys.Prefix, ct).ToListAsync(ct);
        var index = await PackIndex.LoadAsync(store, ct, strict: true);
        var entriesOf = index.Locations.GroupBy(l => l.PackKey).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        int deleted = 0, young = 0;
        long freed = 0;
        var claimed = new HashSet<(string Id, string Suffix)>();
        var doomed = new List<ObjectInfo>();
        var rewrite = new List<(ObjectInfo Pack, List<BlobLocation> Live)>();
        // Young packs first, then newest first: a blob held twice (by an interrupted prune) stays in the newer copy.
        foreach (var pack in packs.OrderByDescending(p => p.LastModified > cutoff).ThenByDescending(p => p.LastModified).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            var entries = entriesOf.GetValueOrDefault(pack.Key) ?? [];
            var live = entries.Where(e => referenced.Contains(e.BlobId) && claimed.Add((e.BlobId, e.Suffix))).ToList();
            if (pack.LastModified > cutoff)
            {
                young += entries.Count(e => !referenced.Contains(e.BlobId));
                continue;
            }
            if (live.Count == 0)
            {
                doomed.Add(pack);
                deleted += entries.Count;
                freed += pack.Size;
            }
            else if (pack.Size - live.Sum(l => (long)l.Length) > pack.Size * MaxUnusedShare)
            {
                rewrite.Add((pack, live));
                deleted += entries.Count - live.Count;
            }
        }

        var moved = new List<BlobLocation>();
        foreach (var group in rewrite.GroupBy(r => PackIndex.SuffixOfPack(r.Pack.Key)))
        {
            await using var packer = new BlobPacker(store, group.Key, BlobPacker.DefaultPackSize);
            foreach (var (pack, live) in group)
            {
                var content = await ObjectRanges.ReadAllAsync(store, pack.Key, ct);
                foreach (var blob in live)
                    await packer.AddAsync(blob.BlobId, content.AsMemory((int)blob.Offset, blob.Length), ct);
                freed += pack.Size - live.Sum(l => (long)l.Length);
            }
            moved.AddRange(await packer.FlushAsync(ct));
        }

        var gone = doomed.Concat(rewrite.Select(r => r.Pack)).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        if (gone.Count > 0 || index.SourceKeys.Count > 1)
        {
            // One index for the whole pool again. Entries of packs this prune did not list stay: their runs may have
            // written them after the listing.
            var kept = index.Locations.Where(l => !gone.Contains(l.PackKey)).Concat(moved).ToList();
            await store.SyncAsync(ct);
            if (kept.Count > 0)
                await store.PutAsync(PackIndex.NewKey(), PackIndex.Serialize(kept), ct);
            // The new index's name must be as durable as its content before the old ones go.
            await store.SyncAsync(ct);
            foreach (var old in index.SourceKeys)
                await store.DeleteAsync(old, ct);
        }
        foreach (var pack in gone)
            await store.DeleteAsync(pack, ct);

        // Blobs of the first layout, one object each.
        var loose = new List<ObjectInfo>();
        await foreach (var blob in store.ListAsync(BlobStore.Prefix, ct))
        {
            var id = blob.Key[(blob.Key.LastIndexOf('/') + 1)..].Split('.')[0];
            if (referenced.Contains(id))
                continue;
            if (blob.LastModified > cutoff)
                young++;
            else
                loose.Add(blob);
        }
        foreach (var blob in loose)
            await store.DeleteAsync(blob.Key, ct);
        return new Result(referenced.Count, deleted + loose.Count, freed + loose.Sum(b => b.Size), young, doomed.Count, rewrite.Count, []);
    }

    /// <returns>Backups whose snapshot has marked itself running and has not committed.</returns>
    private static async Task<List<string>> RunningSnapshotsAsync(IObjectStore store, DateTimeOffset staleBefore, CancellationToken ct)
    {
        var marked = new List<string>();
        var committed = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var info in store.ListAsync(BackupRepository.SetsPrefix, ct))
        {
            switch (info.Key.Split('/'))
            {
                case [_, var backupId, "manifest.json"]:
                    committed.Add(backupId);
                    break;
                case [_, var backupId, BackupSetWriter.RunningMarker] when info.LastModified > staleBefore:
                    marked.Add(backupId);
                    break;
            }
        }
        return marked.Where(id => !committed.Contains(id)).ToList();
    }

    private static async Task<HashSet<string>> ReferencedAsync(BackupRepository repository, IReadOnlyCollection<EncryptionKey> keys, CancellationToken ct)
    {
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
        return referenced;
    }
}
