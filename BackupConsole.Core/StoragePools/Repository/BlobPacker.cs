using System.Collections.Concurrent;
using BackupConsole.Core.StoragePools.ObjectStores;

namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>
/// Gathers encoded blobs into packs (<c>packs/&lt;2 hex&gt;/&lt;id&gt;[.zst][.enc]</c>) and puts each pack in one
/// request. An S3 server's cost is mostly per request: a thousand objects of a few hundred KB stored as a thousand blob
/// PUTs cost it four times the CPU of the same bytes in a dozen packs. Packs fill one at a time; a full one uploads
/// while the next fills, and writers wait when <see cref="MaxUploads"/> are already under way, so memory stays at a
/// few packs whatever the source.
/// </summary>
internal sealed class BlobPacker(IObjectStore store, string suffix, int packSize) : IAsyncDisposable
{
    /// <summary>Packs of 8–16 MiB: few requests, and a blob (at most 8 MiB before encoding) always fits an empty one.</summary>
    public const int DefaultPackSize = 16 << 20;

    private const int MaxUploads = 2;

    private readonly SemaphoreSlim _fill = new(1, 1);
    private readonly SemaphoreSlim _uploads = new(MaxUploads, MaxUploads);
    private readonly List<Task> _pending = [];
    private readonly List<BlobLocation> _written = [];
    private readonly ConcurrentBag<byte[]> _buffers = [];
    private OpenPack? _open;

    private sealed class OpenPack(byte[] buffer)
    {
        public byte[] Buffer { get; } = buffer;

        public int Length { get; set; }

        public List<(string Id, int Offset, int Length)> Entries { get; } = [];
    }

    /// <summary>Copies one encoded blob into the open pack; returns once it is copied, not once it is uploaded.</summary>
    public async Task AddAsync(string id, ReadOnlyMemory<byte> encoded, CancellationToken ct)
    {
        await _fill.WaitAsync(ct);
        try
        {
            if (_open is not null && _open.Length + encoded.Length > _open.Buffer.Length)
                await SealAsync(ct);
            _open ??= new OpenPack(encoded.Length > packSize ? new byte[encoded.Length] : _buffers.TryTake(out var reused) ? reused : new byte[packSize]);
            encoded.CopyTo(_open.Buffer.AsMemory(_open.Length));
            _open.Entries.Add((id, _open.Length, encoded.Length));
            _open.Length += encoded.Length;
        }
        finally
        {
            _fill.Release();
        }
    }

    /// <summary>Uploads the last pack, waits for every upload and returns where each blob added since the last flush is.</summary>
    public async Task<IReadOnlyList<BlobLocation>> FlushAsync(CancellationToken ct)
    {
        await _fill.WaitAsync(ct);
        try
        {
            if (_open is { Entries.Count: > 0 })
                await SealAsync(ct);
        }
        finally
        {
            _fill.Release();
        }
        Task[] pending;
        lock (_pending)
        {
            pending = [.. _pending];
            _pending.Clear();
        }
        await Task.WhenAll(pending);
        lock (_written)
        {
            var written = _written.ToList();
            _written.Clear();
            return written;
        }
    }

    private async Task SealAsync(CancellationToken ct)
    {
        var pack = _open!;
        _open = null;
        await _uploads.WaitAsync(ct);
        Task? failed;
        lock (_pending)
        {
            // A pool that stopped taking packs fails the run now, not after the whole source has been read.
            _pending.RemoveAll(t => t.IsCompletedSuccessfully);
            failed = _pending.FirstOrDefault(t => t.IsFaulted || t.IsCanceled);
        }
        if (failed is not null)
        {
            _uploads.Release();
            await failed;
        }
        // Off this writer's thread: the local-disk store writes synchronously, and the other writers wait on the fill lock.
        var upload = Task.Run(() => UploadAsync(pack, ct), CancellationToken.None);
        lock (_pending)
            _pending.Add(upload);
    }

    private async Task UploadAsync(OpenPack pack, CancellationToken ct)
    {
        try
        {
            var key = PackKeys.KeyOf(PackKeys.NewId(), suffix);
            await store.PutDeferredAsync(key, pack.Buffer.AsMemory(0, pack.Length), ct);
            lock (_written)
                _written.AddRange(pack.Entries.Select(e => new BlobLocation(e.Id, key, e.Offset, e.Length)));
        }
        finally
        {
            if (pack.Buffer.Length == packSize)
                _buffers.Add(pack.Buffer);
            _uploads.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] pending;
        lock (_pending)
            pending = [.. _pending];
        // Only reached with uploads outstanding when the run already failed: its own error is the one to report, and
        // packs no index names are removed by the next prune.
        await Task.WhenAll(pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _fill.Dispose();
        _uploads.Dispose();
    }
}
