using System.Collections.Concurrent;
using System.Security.Cryptography;
using BackupConsole.Core.StoragePools.ObjectStores;

namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>
/// Content-addressed blobs shared by every snapshot in a pool (<c>blobs/&lt;2 hex&gt;/&lt;id&gt;[.zst][.enc]</c>), each at
/// most a few MiB: file chunks and object parts. A blob's id is the SHA-256 of its content, or for encrypted pools an
/// HMAC-SHA-256 keyed from the pool key, so ids reveal nothing about content to whoever can list the pool. A blob
/// already in the pool is never uploaded again, and reading one checks its content against its id.
/// </summary>
public sealed class BlobStore
{
    public const string Prefix = "blobs/";

    /// <summary>The set object listing every blob a snapshot references, one id per line: what verify and pruning read.</summary>
    public const string ReferencesObject = "blobs.txt";

    private readonly IObjectStore _store;
    private readonly RepositoryOptions _options;
    private readonly byte[]? _idKey;
    private readonly Executors.TransferProgress? _meter;
    private readonly Monitoring.ByteMeter? _writeMeter;
    private readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);

    public BlobStore(BackupRepository repository)
    {
        _store = repository.Store;
        _meter = repository.ReadMeter;
        _writeMeter = repository.WriteMeter;
        var options = _options = repository.Options;
        Suffix = SuffixOf(options);
        _idKey = options.Encryption is { } key ? IdKey(key) : null;
    }

    /// <summary>The codecs of blobs written now; a snapshot records it to read its blobs back.</summary>
    public string Suffix { get; }

    public static string SuffixOf(RepositoryOptions options) => (options.Compress ? ".zst" : "") + (options.Encryption is null ? "" : ".enc");

    public static string KeyOf(string id, string suffix) => $"{Prefix}{id[..2]}/{id}{suffix}";

    private long _uploadedBlobs;
    private long _uploadedBytes;

    /// <summary>Blobs uploaded by this store so far (not those found already in the pool).</summary>
    public long UploadedBlobs => Interlocked.Read(ref _uploadedBlobs);

    /// <summary>Stored bytes of those uploads: what deduplication did not save.</summary>
    public long UploadedBytes => Interlocked.Read(ref _uploadedBytes);

    /// <summary>
    /// Learns which blobs the pool already holds from the <c>blobs.txt</c> of its committed snapshots — one read per set,
    /// no request per blob. Only blobs a committed manifest references count: those were made durable before it, while
    /// a blob left by a run that died may be incomplete, and is simply written again.
    /// </summary>
    public async Task LoadIndexAsync(BackupRepository repository, CancellationToken ct)
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

    /// <returns>The blob's id; uploads it unless the pool already holds it.</returns>
    public async Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var id = IdOf(content.Span);
        _writeMeter?.AddSource(content.Length);
        if (_known.ContainsKey(id))
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
            await _store.PutDeferredAsync(KeyOf(id, Suffix), encoded, ct);
            Interlocked.Add(ref _uploadedBytes, encoded.Length);
            _writeMeter?.AddPool(encoded.Length);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(compressed);
            if (sealedBuffer is not null)
                System.Buffers.ArrayPool<byte>.Shared.Return(sealedBuffer);
        }
        _known[id] = true;
        Interlocked.Increment(ref _uploadedBlobs);
        return id;
    }

    /// <summary>Reads a blob written with <paramref name="suffix"/> and checks its content against its id.</summary>
    public async Task<byte[]> ReadAsync(string backupId, string id, string suffix, EncryptionKey? key, CancellationToken ct)
    {
        byte[] stored;
        await using (var stream = await _store.OpenReadAsync(KeyOf(id, suffix), ct))
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer, ct);
            stored = buffer.ToArray();
        }
        try
        {
            var payload = stored;
            if (suffix.EndsWith(".enc", StringComparison.Ordinal))
            {
                if (key is null)
                    throw new InvalidOperationException($"Backup {backupId} is encrypted; supply its key.");
                using var decrypt = ChunkedAesGcm.Decrypt(new MemoryStream(stored), key.Key);
                using var plain = new MemoryStream();
                await decrypt.CopyToAsync(plain, ct);
                payload = plain.ToArray();
            }
            var content = suffix.StartsWith(".zst", StringComparison.Ordinal) ? new ZstdSharp.Decompressor().Unwrap(payload).ToArray() : payload;
            // The id is checked with the key the blob was written under, whatever this store writes with.
            if (IdOf(content, suffix.EndsWith(".enc", StringComparison.Ordinal) ? IdKey(key!) : null) != id)
                throw new ChecksumMismatchException(backupId, KeyOf(id, suffix), "content does not match its id");
            _meter?.AddBytes(content.Length);
            return content;
        }
        catch (Exception ex) when (ex is CryptographicException or ZstdSharp.ZstdException or InvalidDataException)
        {
            throw new ChecksumMismatchException(backupId, KeyOf(id, suffix), ex.Message);
        }
    }
}
