using BackupConsole.Core.StoragePools;
using BackupConsole.Core.StoragePools.ObjectStores;

namespace BackupConsole.Tests.StoragePools;

/// <summary>
/// R-POOL-2's probe against faults a real S3 server cannot be made to produce here (s3rver grants every right):
/// a key without delete permission, and a store that hands back other bytes than it was given.
/// </summary>
public sealed class PoolProbeTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bc-probe-" + Guid.NewGuid().ToString("N")[..8]);
    private LocalDiskObjectStore _store = default!;

    public async ValueTask InitializeAsync()
    {
        _store = new LocalDiskObjectStore(_root, "dbs");
        await _store.EnsureBucketAsync(CancellationToken.None);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Probe_passes_on_a_store_that_writes_reads_and_deletes()
    {
        Assert.Null(await PoolProbe.RunAsync(_store, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Probe_reports_a_key_without_delete_permission_with_the_stores_error()
    {
        var store = new FaultyStore(_store) { DeleteError = "AccessDenied: Access Denied" };

        var failure = await PoolProbe.RunAsync(store, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal("AccessDenied: Access Denied", failure);
    }

    [Fact]
    public async Task Probe_reports_a_store_that_returns_other_bytes_than_written()
    {
        var store = new FaultyStore(_store) { AppendOnRead = 386 };

        var failure = await PoolProbe.RunAsync(store, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Contains("differs", failure);
        Assert.Contains("chunk-encoding", failure);
    }

    /// <summary>Injects the two faults into an otherwise real store.</summary>
    private sealed class FaultyStore(IObjectStore inner) : IObjectStore
    {
        public string? DeleteError { get; init; }

        public int AppendOnRead { get; init; }

        public string Location => inner.Location;
        public Task EnsureBucketAsync(CancellationToken ct) => inner.EnsureBucketAsync(ct);
        public Task<bool> BucketExistsAsync(CancellationToken ct) => inner.BucketExistsAsync(ct);
        public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct) => inner.PutAsync(key, content, ct);
        public Task<ObjectUpload> StartUploadAsync(string key, CancellationToken ct) => inner.StartUploadAsync(key, ct);
        public Task<ObjectInfo?> StatAsync(string key, CancellationToken ct) => inner.StatAsync(key, ct);
        public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct) => inner.ListAsync(prefix, ct);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public async Task<Stream> OpenReadAsync(string key, CancellationToken ct)
        {
            var stream = await inner.OpenReadAsync(key, ct);
            if (AppendOnRead == 0)
                return stream;
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy, ct);
            copy.Write(new byte[AppendOnRead]);
            copy.Position = 0;
            return copy;
        }

        public Task DeleteAsync(string key, CancellationToken ct) =>
            DeleteError is null ? inner.DeleteAsync(key, ct) : throw new ObjectStoreException(DeleteError);
    }
}
