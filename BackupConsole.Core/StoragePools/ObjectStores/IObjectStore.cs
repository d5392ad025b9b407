namespace BackupConsole.Core.StoragePools.ObjectStores;

/// <summary>One bucket of an object store (S3 or the embedded local disk); every byte a pool holds goes through this.</summary>
public interface IObjectStore : IAsyncDisposable
{
    /// <summary>Where the objects live, for lists and messages (endpoint/bucket, never a key).</summary>
    string Location { get; }

    /// <summary>Creates the bucket when missing, reuses it when present.</summary>
    Task EnsureBucketAsync(CancellationToken ct);

    Task<bool> BucketExistsAsync(CancellationToken ct);

    /// <summary>A small object written in one request (manifests, probes).</summary>
    Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct);

    /// <summary>
    /// Like <see cref="PutAsync"/>, but the object may reach stable storage only at the next <see cref="SyncAsync"/>:
    /// for the many small blobs of a snapshot, which one sync before the manifest makes durable together.
    /// </summary>
    Task PutDeferredAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct) => PutAsync(key, content, ct);

    /// <summary>Makes every object written before durable (a file system sync; nothing to do where writes are durable).</summary>
    Task SyncAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// A stream that uploads what is written to it in parts of bounded size; nothing is visible under
    /// <paramref name="key"/> until <see cref="ObjectUpload.CompleteAsync"/>, and disposing without completing aborts it.
    /// </summary>
    Task<ObjectUpload> StartUploadAsync(string key, CancellationToken ct);

    /// <summary>Streams the object; throws <see cref="ObjectNotFoundException"/> when it does not exist.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken ct);

    /// <summary>Null when the object does not exist.</summary>
    Task<ObjectInfo?> StatAsync(string key, CancellationToken ct);

    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct);

    /// <summary>Deleting a missing object is not an error (S3 semantics), so a half-done delete can be retried.</summary>
    Task DeleteAsync(string key, CancellationToken ct);
}
