using System.Collections.Concurrent;
using System.Security.Cryptography;
using BackupConsole.Core.StoragePools.ObjectStores;

namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>
/// Content-addressed blobs shared by every snapshot in a pool: file chunks and object parts of at most a few MiB,
/// written into packs (<see cref="BlobPacker"/>) whose places the pool's <see cref="PackIndex"/> records. A blob's id
/// is the SHA-256 of its content, or for encrypted pools an HMAC-SHA-256 keyed from the pool key, so ids reveal nothing
/// about content to whoever can list the pool. A blob already in the pool is never uploaded again, and reading one
/// checks its content against its id. Pools written before packs existed hold each blob as its own object
/// (<c>blobs/&lt;2 hex&gt;/&lt;id&gt;[.zst][.enc]</c>); those are still read.
/// </summary>
public sealed class BlobStore : IAsyncDisposable
{
    /// <summary>Where blobs of the first layout live, one object each.</summary>
    public const string Prefix = "blobs/";

    /// <summary>The set object listing every blob a snapshot references, one id per line: what verify and pruning read.</summary>
    public const string ReferencesObject = "blobs.txt";

    private readonly IObjectStore _store;
    private readonly RepositoryOptions _options;
    private readonly byte[]? _idKey;
    private readonly Executors.TransferProgress? _meter;
    private readonly Monitoring.ByteMeter? _writeMeter;
    private readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);
    private readonly BlobPacker _packer;
    private readonly Lock _indexLock = new();
    private Task<PackIndex>? _index;

    public BlobStore(BackupRepository repository)
    {
        _store = repository.Store;
        _meter = repository.ReadMeter;
        _writeMeter = repository.WriteMeter;
        var options = _options = repository.Options;
        Suffix = SuffixOf(options);
        _idKey = options.Encryption is { } key ? IdKey(key) : null;
        _packer = new BlobPacker(_store, Suffix, BlobPacker.DefaultPackSize);
    }

    /// <summary>The codecs of blobs written now; a snapshot records it to read its blobs back.</summary>
    public string Suffix { get; }

    public static string SuffixOf(RepositoryOptions options) => (options.Compress ? ".zst" : "") + (options.Encryption is null ? "" : ".enc");

    public static string KeyOf(string id, string suffix) => $"{Prefix}{id[..2]}/{id}{suffix}";

    private long _uploadedBlobs;
    private long _uploadedBytes;

    /// <summary>Blobs this store packed and uploaded so far (not those found already in the pool).</summary>
    public long UploadedBlobs => Interlocked.Read(ref _uploadedBlobs);

    /// <summary>Stored bytes of those uploads: what deduplication did not save.</summary>
    public long UploadedBytes => Interlocked.Read(ref _uploadedBytes);

    /// <summary>
    /// Learns which blobs the pool already holds from the <c>blobs.txt</c> of its committed snapshots — one read per set,
    /// no request per blob. Only blobs a committed manifest references count: those were made durable before it, while
    /// a blob left by a run that died may be incomplete, and is simply written again.
    /// </summary>
    public async Task LoadKnownAsync(BackupRepository repository, CancellationToken ct)
    {
        await foreach (var manifest in repository.ListSetsAsync(ct))
        {
            if (manifest.Properties.GetValueOrDefault("blobSuffix") != Suffix || manifest.Objects.All(o => o.Name != ReferencesObject))
                continue;
            if (manifest.Encryption is { } encryption && encryption.KeyFingerprint != _options.Encryption?.Fingerprint)
                continue;
            await using var list = await repository.OpenObjectAsync(manifest, ReferencesObject, _options.Encryption, ct);
            using var reader = new StreamReader(list);
            while (await reader.ReadLineAsync(ct) is { Length: > 0 } id)
                _known[id] = true;
        }
    }

    public string IdOf(ReadOnlySpan<byte> content) => IdOf(content, _idKey);

    private static string IdOf(ReadOnlySpan<byte> content, byte[]? idKey) =>
        Convert.ToHexStringLower(idKey is null ? SHA256.HashData(content) : HMACSHA256.HashData(idKey, content));

    /// <summary>The HMAC key for ids of an encrypted pool's blobs, derived from (never equal to) the encryption key.</summary>
    private static byte[] IdKey(EncryptionKey key) => HMACSHA256.HashData(key.Key, "BackupConsole blob id"u8);

    /// <returns>The blob's id; adds it to a pack unless the pool (or this run) already holds it.</returns>
    public async Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var id = IdOf(content.Span);
        _writeMeter?.AddSource(content.Length);
        // Claimed before it is packed: a second part with the same content, read in parallel, is not packed twice.
        // Should packing fail, so does the run, and nothing it claimed is committed.
        if (!_known.TryAdd(id, true))
            return id;
        // Compressed and sealed in pooled buffers: a snapshot writes hundreds of megabyte-sized blobs, and fresh arrays
        // for each put the collector and the page-fault handler ahead of the actual work.
        var compressed = System.Buffers.ArrayPool<byte>.Shared.Rent(_options.Compress ? NativeZstdCompressionStream.BlockBound(content.Length) : 0);
        byte[]? sealedBuffer = null;
        try
        {
            ReadOnlyMemory<byte> encoded = content;
            if (_options.Compress)
                encoded = compressed.AsMemory(0, NativeZstdCompressionStream.CompressBlock(content.Span, _options.CompressionLevel, compressed));
            if (_options.Encryption is { } key)
            {
                sealedBuffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ChunkedAesGcm.SealedLength(encoded.Length));
                encoded = sealedBuffer.AsMemory(0, ChunkedAesGcm.EncryptBlock(encoded.Span, key.Key, sealedBuffer));
            }
            await _packer.AddAsync(id, encoded, ct);
            Interlocked.Add(ref _uploadedBytes, encoded.Length);
            _writeMeter?.AddPool(encoded.Length);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(compressed);
            if (sealedBuffer is not null)
                System.Buffers.ArrayPool<byte>.Shared.Return(sealedBuffer);
        }
        Interlocked.Increment(ref _uploadedBlobs);
        return id;
    }

    /// <summary>
    /// Uploads the last pack, then records where every blob put since the last flush lives in a new index object. The
    /// packs are made durable first, so no index ever names a pack a crash could have torn. A snapshot flushes before
    /// it writes its references; its manifest then makes them count.
    /// </summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var written = await _packer.FlushAsync(ct);
        if (written.Count == 0)
            return;
        await _store.SyncAsync(ct);
        await _store.PutAsync(PackIndex.NewKey(), PackIndex.Serialize(written), ct);
    }

    /// <summary>Reads a blob written with <paramref name="suffix"/> and checks its content against its id.</summary>
    public async Task<byte[]> ReadAsync(string backupId, string id, string suffix, EncryptionKey? key, CancellationToken ct)
    {
        var index = await IndexAsync(null, ct);
        var (content, damage) = await ReadPackedAsync(index, backupId, id, suffix, key, ct);
        // Gone from where the index said, or in no pack at all: a prune may have moved it since the index was read.
        if (content is null && (damage is null or ObjectNotFoundException) && !(damage is null && await LooseExistsAsync(id, suffix, ct)))
        {
            index = await IndexAsync(index, ct);
            (content, damage) = await ReadPackedAsync(index, backupId, id, suffix, key, ct);
        }
        if (content is not null)
            return content;
        if (damage is not null)
            throw damage as ChecksumMismatchException ?? new ChecksumMismatchException(backupId, $"blob {id}", damage.Message);
        byte[] stored;
        try
        {
            stored = await ObjectRanges.ReadAllAsync(_store, KeyOf(id, suffix), ct);
        }
        catch (ObjectNotFoundException)
        {
            throw new ChecksumMismatchException(backupId, $"blob {id}", "no pack holds it and no object of its own exists");
        }
        return Decode(backupId, id, suffix, key, KeyOf(id, suffix), stored);
    }

    /// <returns>The content from the first place that holds it whole; otherwise why the last place failed, or neither when no pack holds it.</returns>
    private async Task<(byte[]? Content, Exception? Damage)> ReadPackedAsync(
        PackIndex index, string backupId, string id, string suffix, EncryptionKey? key, CancellationToken ct)
    {
        Exception? damage = null;
        foreach (var location in index.Find(id, suffix))
        {
            try
            {
                var stored = await _store.ReadRangeAsync(location.PackKey, location.Offset, location.Length, ct);
                return (Decode(backupId, id, suffix, key, $"{location.PackKey} at {location.Offset}", stored), null);
            }
            catch (Exception ex) when (ex is ChecksumMismatchException or ObjectNotFoundException or InvalidDataException)
            {
                // Another copy (left by an interrupted prune) may still be whole.
                damage = ex;
            }
        }
        return (null, damage);
    }

    private async Task<bool> LooseExistsAsync(string id, string suffix, CancellationToken ct) =>
        await _store.StatAsync(KeyOf(id, suffix), ct) is not null;

    /// <summary>The pool's index, read once; read again when <paramref name="stale"/> is the copy a reader found wanting.</summary>
    private Task<PackIndex> IndexAsync(PackIndex? stale, CancellationToken ct)
    {
        lock (_indexLock)
        {
            if (_index is null || (stale is not null && _index.IsCompletedSuccessfully && ReferenceEquals(_index.Result, stale)) || _index.IsFaulted || _index.IsCanceled)
                _index = PackIndex.LoadAsync(_store, ct);
            return _index;
        }
    }

    private byte[] Decode(string backupId, string id, string suffix, EncryptionKey? key, string where, byte[] stored)
    {
        try
        {
            var payload = stored;
            if (suffix.EndsWith(".enc", StringComparison.Ordinal))
            {
                if (key is null)
                    throw new InvalidOperationException($"Backup {backupId} is encrypted; supply its key.");
                using var decrypt = ChunkedAesGcm.Decrypt(new MemoryStream(stored), key.Key);
                using var plain = new MemoryStream();
                decrypt.CopyTo(plain);
                payload = plain.ToArray();
            }
            var content = suffix.StartsWith(".zst", StringComparison.Ordinal) ? new ZstdSharp.Decompressor().Unwrap(payload).ToArray() : payload;
            // The id is checked with the key the blob was written under, whatever this store writes with.
            if (IdOf(content, suffix.EndsWith(".enc", StringComparison.Ordinal) ? IdKey(key!) : null) != id)
                throw new ChecksumMismatchException(backupId, $"blob {id} in {where}", "content does not match its id");
            _meter?.AddBytes(content.Length);
            return content;
        }
        catch (Exception ex) when (ex is CryptographicException or ZstdSharp.ZstdException or InvalidDataException)
        {
            throw new ChecksumMismatchException(backupId, $"blob {id} in {where}", ex.Message);
        }
    }

    public ValueTask DisposeAsync() => _packer.DisposeAsync();
}
