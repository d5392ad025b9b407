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

    /// <summary>
    /// <paramref name="length"/> bytes of the object from <paramref name="offset"/>: one blob out of a pack. Throws
    /// <see cref="ObjectNotFoundException"/> when the object does not exist and <see cref="InvalidDataException"/>
    /// when it ends before the range does (a truncated object is damage, not a failing store).
    /// </summary>
    async Task<byte[]> ReadRangeAsync(string key, long offset, int length, CancellationToken ct)
    {
        await using var stream = await OpenReadAsync(key, ct);
        var skip = new byte[Math.Min(offset, 1 << 16)];
        for (var left = offset; left > 0;)
        {
            var read = await stream.ReadAsync(skip.AsMemory(0, (int)Math.Min(left, skip.Length)), ct);
            if (read == 0)
                throw new InvalidDataException($"{key} in {Location} ends before byte {offset}.");
            left -= read;
        }
        return await ObjectRanges.ReadExactlyAsync(stream, key, Location, length, ct);
    }

    /// <summary>Null when the object does not exist.</summary>
    Task<ObjectInfo?> StatAsync(string key, CancellationToken ct);

    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct);

    /// <summary>Deleting a missing object is not an error (S3 semantics), so a half-done delete can be retried.</summary>
    Task DeleteAsync(string key, CancellationToken ct);
}
