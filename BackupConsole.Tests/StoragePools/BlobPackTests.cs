using System.Security.Cryptography;
using BackupConsole.Core.Executors.Files;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Tests.TestBed;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupConsole.Tests.StoragePools;

/// <summary>
/// Snapshot blobs in packs (docs/repository-format.md, R-SCOPE-1): many small blobs cost a few requests, not one each;
/// pruning rewrites packs without losing a blob, even when it stops half-way or a reader holds an older index; pools
/// written with one object per blob still restore.
/// </summary>
public sealed class BlobPackTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bc-packs-" + Guid.NewGuid().ToString("N")[..8]);
    private string Source => Path.Combine(_root, "source");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Source);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return ValueTask.CompletedTask;
    }

    private static FileSnapshotRunner Runner() => new(new FileSnapshotBackup(NullLogger<FileSnapshotBackup>.Instance), TimeProvider.System);

    private static FileSnapshotRestore Restore() => new(NullLogger<FileSnapshotRestore>.Instance);

    private async Task<IObjectStore> StoreAsync(string kind)
    {
        IObjectStore store;
        if (kind == "s3")
        {
            var s3 = TestServices.RequireS3();
            var bucket = await StoragePoolTestKit.CreateBucketAsync(s3);
            store = new PrefixedObjectStore(new S3ObjectStore(new S3Settings(s3.ServiceUrl, s3.AccessKey, s3.SecretKey, bucket)), "tnt-packs");
        }
        else
        {
            store = new LocalDiskObjectStore(_root, "pool");
        }
        await store.EnsureBucketAsync(Ct);
        return store;
    }

    private static async Task<List<string>> KeysAsync(IObjectStore store, string prefix) =>
        (await store.ListAsync(prefix, Ct).ToListAsync(Ct)).Select(o => o.Key).ToList();

    private void Write(string name, int size) => File.WriteAllBytes(Path.Combine(Source, name), RandomNumberGenerator.GetBytes(size));

    private static Dictionary<string, string> Tree(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Theory]
    [InlineData("local")]
    [InlineData("s3")]
    public async Task Three_hundred_small_files_are_stored_in_one_pack_and_read_back_by_range(string kind)
    {
        await using var store = await StoreAsync(kind);
        var repository = new BackupRepository(store, new RepositoryOptions(), TimeProvider.System);
        for (var i = 0; i < 300; i++)
            Write($"f{i:D3}.bin", 20_000 + i);

        var manifest = await Runner().RunAsync(repository, Source, "snapshot", null, null, null, Ct);
        var target = Path.Combine(_root, "restored-" + kind);
        await Restore().RunAsync(repository, manifest, null, target, null, Ct);
        var verified = await repository.VerifyAsync(manifest.BackupId, null, Ct);

        Assert.Equal("300", manifest.Properties["uploadedBlobs"]);
        Assert.Single(await KeysAsync(store, "packs/"));
        Assert.Single(await KeysAsync(store, "index/"));
        Assert.Empty(await KeysAsync(store, "blobs/"));
        Assert.Equal(2, manifest.FormatVersion);
        Assert.Equal(Tree(Source), Tree(target));
        Assert.True(verified.RawBytes > 300 * 20_000);
    }

    [Fact]
    public async Task A_prune_stopped_after_its_new_index_leaves_spare_copies_that_restore_and_the_next_prune_removes()
    {
        var local = await StoreAsync("local");
        var faulty = new IndexDeletesFail(local);
        var repository = new BackupRepository(faulty, new RepositoryOptions(), TimeProvider.System);
        Write("shared.bin", 250_000);
        Write("only-in-first.bin", 200_000);
        var first = await Runner().RunAsync(repository, Source, "snapshot", null, null, null, Ct);
        File.Delete(Path.Combine(Source, "only-in-first.bin"));
        Write("only-in-second.bin", 150_000);
        var second = await Runner().RunAsync(repository, Source, "snapshot", null, null, null, Ct);
        await repository.DeleteSetAsync(first.BackupId, Ct);

        faulty.Failing = true;
        await Assert.ThrowsAsync<ObjectStoreException>(() => BlobPruner.PruneAsync(repository, [], TimeSpan.Zero, TimeProvider.System, Ct));
        faulty.Failing = false;
        // Both old indexes and the new one are there, and the shared blob is in two packs.
        Assert.Equal(3, (await KeysAsync(local, "index/")).Count);
        Assert.Equal(3, (await KeysAsync(local, "packs/")).Count);
        await Restore().RunAsync(repository, second, null, Path.Combine(_root, "between"), null, Ct);

        var pruned = await BlobPruner.PruneAsync(repository, [], TimeSpan.Zero, TimeProvider.System, Ct);

        // The first snapshot's pack goes whole: one blob nobody needs, one a newer pack holds.
        Assert.Equal((2, 1, 0), (pruned.Deleted, pruned.PacksDeleted, pruned.PacksRewritten));
        Assert.Single(await KeysAsync(local, "index/"));
        Assert.Equal(2, (await KeysAsync(local, "packs/")).Count);
        await repository.VerifyAsync(second.BackupId, null, Ct);
        await Restore().RunAsync(repository, second, null, Path.Combine(_root, "after"), null, Ct);
        Assert.Equal(Tree(Source), Tree(Path.Combine(_root, "after")));
    }

    [Fact]
    public async Task A_reader_holding_the_index_from_before_a_prune_finds_the_blobs_the_prune_moved()
    {
        var store = await StoreAsync("local");
        var repository = new BackupRepository(store, new RepositoryOptions(), TimeProvider.System);
        Write("shared.bin", 250_000);
        Write("only-in-first.bin", 200_000);
        var first = await Runner().RunAsync(repository, Source, "snapshot", null, null, null, Ct);
        File.Delete(Path.Combine(Source, "only-in-first.bin"));
        var second = await Runner().RunAsync(repository, Source, "snapshot", null, null, null, Ct);
        var shared = (await ReferencesAsync(repository, second)).Single();
        await using var reader = new BlobStore(repository);
        var before = await reader.ReadAsync(second.BackupId, shared, ".zst", null, Ct);

        await repository.DeleteSetAsync(first.BackupId, Ct);
        var pruned = await BlobPruner.PruneAsync(repository, [], TimeSpan.Zero, TimeProvider.System, Ct);
        var after = await reader.ReadAsync(second.BackupId, shared, ".zst", null, Ct);

        Assert.Equal(1, pruned.PacksRewritten);
        Assert.Equal(250_000, after.Length);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_prune_while_a_snapshot_runs_waits_so_the_blobs_it_reuses_from_a_set_deleted_meanwhile_stay()
    {
        var store = await StoreAsync("local");
        var repository = new BackupRepository(store, new RepositoryOptions(), TimeProvider.System);
        Write("a.bin", 250_000);
        Write("b.bin", 200_000);
        var first = await Runner().RunAsync(repository, Source, "snapshot", null, null, null, Ct);
        BlobPruner.Result? during = null;
        // The second snapshot reuses the first one's chunks for its unchanged files; retention deletes the first set
        // and prunes while the second is between its walk and its commit.
        var backup = new FileSnapshotBackup(NullLogger<FileSnapshotBackup>.Instance)
        {
            AfterWalk = async () =>
            {
                await repository.DeleteSetAsync(first.BackupId, Ct);
                during = await BlobPruner.PruneAsync(repository, [], TimeSpan.Zero, TimeProvider.System, Ct);
            },
        };

        var second = await new FileSnapshotRunner(backup, TimeProvider.System).RunAsync(repository, Source, "snapshot", null, first.BackupId, null, Ct);
        var after = await BlobPruner.PruneAsync(repository, [], TimeSpan.Zero, TimeProvider.System, Ct);

        Assert.Equal("2", second.Properties["filesUnchanged"]);
        Assert.Equal([second.BackupId], during!.WaitingFor);
        Assert.Equal((0, 0), (during.Deleted, after.Deleted));
        Assert.Empty(after.WaitingFor);
        await repository.VerifyAsync(second.BackupId, null, Ct);
        Assert.DoesNotContain(await KeysAsync(store, "backups/"), k => k.EndsWith("/running", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_pool_written_with_one_object_per_blob_still_verifies_restores_and_prunes()
    {
        var store = await StoreAsync("local");
        var repository = new BackupRepository(store, new RepositoryOptions(), TimeProvider.System);
        Write("a.bin", 250_000);
        Write("b.bin", 100_000);
        var manifest = await Runner().RunAsync(repository, Source, "snapshot", null, null, null, Ct);
        // The first layout: every blob its own object under blobs/, no packs, no index.
        var index = await PackIndex.LoadAsync(store, Ct);
        foreach (var location in index.Locations)
            await store.PutAsync(BlobStore.KeyOf(location.BlobId, location.Suffix),
                await store.ReadRangeAsync(location.PackKey, location.Offset, location.Length, Ct), Ct);
        foreach (var key in (await KeysAsync(store, "packs/")).Concat(await KeysAsync(store, "index/")))
            await store.DeleteAsync(key, Ct);
        await store.PutAsync(BlobStore.KeyOf(new string('a', 64), ".zst"), new byte[] { 1, 2, 3 }, Ct);

        await repository.VerifyAsync(manifest.BackupId, null, Ct);
        await Restore().RunAsync(repository, manifest, null, Path.Combine(_root, "restored"), null, Ct);
        var pruned = await BlobPruner.PruneAsync(repository, [], TimeSpan.Zero, TimeProvider.System, Ct);

        Assert.Equal(Tree(Source), Tree(Path.Combine(_root, "restored")));
        Assert.Equal(1, pruned.Deleted);
        Assert.Equal(2, (await KeysAsync(store, "blobs/")).Count);
    }

    [Fact]
    public async Task A_blob_missing_from_every_pack_is_reported_as_damage_naming_it()
    {
        var store = await StoreAsync("local");
        var repository = new BackupRepository(store, new RepositoryOptions(), TimeProvider.System);
        Write("a.bin", 10_000);
        var manifest = await Runner().RunAsync(repository, Source, "snapshot", null, null, null, Ct);
        var id = (await ReferencesAsync(repository, manifest)).Single();
        foreach (var key in await KeysAsync(store, "packs/"))
            await store.DeleteAsync(key, Ct);

        var error = await Assert.ThrowsAsync<ChecksumMismatchException>(() => repository.VerifyAsync(manifest.BackupId, null, Ct));

        Assert.Contains(id, error.Message);
        Assert.Contains(manifest.BackupId, error.Message);
    }

    private static async Task<List<string>> ReferencesAsync(BackupRepository repository, BackupManifest manifest)
    {
        await using var stream = await repository.OpenObjectAsync(manifest, BlobStore.ReferencesObject, null, Ct);
        using var reader = new StreamReader(stream);
        return (await reader.ReadToEndAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    /// <summary>The fault a real store will not produce on cue: deletes under <c>index/</c> failing, as a prune's connection drops.</summary>
    private sealed class IndexDeletesFail(IObjectStore inner) : IObjectStore
    {
        public bool Failing { get; set; }

        public string Location => inner.Location;
        public Task EnsureBucketAsync(CancellationToken ct) => inner.EnsureBucketAsync(ct);
        public Task<bool> BucketExistsAsync(CancellationToken ct) => inner.BucketExistsAsync(ct);
        public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct) => inner.PutAsync(key, content, ct);
        public Task PutDeferredAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct) => inner.PutDeferredAsync(key, content, ct);
        public Task SyncAsync(CancellationToken ct) => inner.SyncAsync(ct);
        public Task<ObjectUpload> StartUploadAsync(string key, CancellationToken ct) => inner.StartUploadAsync(key, ct);
        public Task<Stream> OpenReadAsync(string key, CancellationToken ct) => inner.OpenReadAsync(key, ct);
        public Task<byte[]> ReadRangeAsync(string key, long offset, int length, CancellationToken ct) => inner.ReadRangeAsync(key, offset, length, ct);
        public Task<ObjectInfo?> StatAsync(string key, CancellationToken ct) => inner.StatAsync(key, ct);
        public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct) => inner.ListAsync(prefix, ct);
        public ValueTask DisposeAsync() => inner.DisposeAsync();

        public Task DeleteAsync(string key, CancellationToken ct) =>
            Failing && key.StartsWith(PackIndex.Prefix, StringComparison.Ordinal)
                ? throw new ObjectStoreException($"connection dropped while deleting {key}")
                : inner.DeleteAsync(key, ct);
    }
}
