using System.Runtime.CompilerServices;

namespace BackupConsole.Core.StoragePools.ObjectStores;

/// <summary>Confines a store to one key prefix: tenants sharing the platform's bucket each see only their own folder.</summary>
public sealed class PrefixedObjectStore(IObjectStore inner, string prefix) : IObjectStore
{
    private readonly string _prefix = ObjectKeys.Require(prefix.TrimEnd('/')) + "/";

    public string Location => $"{inner.Location}/{_prefix.TrimEnd('/')}";

    public Task EnsureBucketAsync(CancellationToken ct) => inner.EnsureBucketAsync(ct);

    public Task<bool> BucketExistsAsync(CancellationToken ct) => inner.BucketExistsAsync(ct);

    public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct) => inner.PutAsync(_prefix + key, content, ct);

    public Task PutDeferredAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct) => inner.PutDeferredAsync(_prefix + key, content, ct);

    public Task SyncAsync(CancellationToken ct) => inner.SyncAsync(ct);

    public Task<ObjectUpload> StartUploadAsync(string key, CancellationToken ct) => inner.StartUploadAsync(_prefix + key, ct);

    public Task<Stream> OpenReadAsync(string key, CancellationToken ct) => inner.OpenReadAsync(_prefix + key, ct);

    public Task<byte[]> ReadRangeAsync(string key, long offset, int length, CancellationToken ct) => inner.ReadRangeAsync(_prefix + key, offset, length, ct);

    public async Task<ObjectInfo?> StatAsync(string key, CancellationToken ct) =>
        await inner.StatAsync(_prefix + key, ct) is { } info ? info with { Key = key } : null;

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var info in inner.ListAsync(_prefix + prefix, ct))
            yield return info with { Key = info.Key[_prefix.Length..] };
    }

    public Task DeleteAsync(string key, CancellationToken ct) => inner.DeleteAsync(_prefix + key, ct);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
