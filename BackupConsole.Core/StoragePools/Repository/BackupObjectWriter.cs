using BackupConsole.Core.StoragePools.ObjectStores;

namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>
/// Writes one data object of a backup set: raw bytes → SHA-256 → zstd → AES-GCM → SHA-256 → multipart upload.
/// Memory stays bounded (one upload part plus codec buffers) however much is written.
/// </summary>
public sealed class BackupObjectWriter : WriteOnlyStream
{
    private readonly string _name;
    private readonly string _key;
    private readonly ObjectUpload _upload;
    private readonly HashingStream _stored;
    private readonly Stream? _encrypt;
    private readonly Stream? _compress;
    private readonly HashingStream _raw;
    private readonly Action<ManifestObject> _record;
    private bool _completed;

    /// <param name="key">The key as the repository's store names it (a prefixed store's upload knows a longer one).</param>
    internal BackupObjectWriter(string name, string key, ObjectUpload upload, RepositoryOptions options, Action<ManifestObject> record, Monitoring.ByteMeter? meter = null)
    {
        _name = name;
        _key = key;
        _upload = upload;
        _record = record;
        _stored = new HashingStream(upload, forWriting: true, leaveOpen: true, meter is null ? null : meter.AddPool);
        Stream next = _stored;
        if (options.Encryption is { } encryption)
            next = _encrypt = ChunkedAesGcm.Encrypt(_stored, encryption.Key);
        if (options.Compress)
            next = _compress = ZstdCodec.Compress(next, options.CompressionLevel, leaveOpen: true);
        _raw = new HashingStream(next, forWriting: true, leaveOpen: true, meter is null ? null : meter.AddSource);
    }

    /// <summary>Raw bytes written so far: the progress a caller reports.</summary>
    public long RawBytes => _raw.BytesSeen;

    public override long Length => _raw.BytesSeen;

    public override long Position
    {
        get => _raw.BytesSeen;
        set => throw new NotSupportedException();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _raw.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _raw.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => _raw.Write(buffer, offset, count);

    /// <summary>Finishes the codecs, completes the upload and records the object for the manifest.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        await _raw.FlushAsync(ct);
        if (_compress is not null)
            await _compress.DisposeAsync();
        if (_encrypt is not null)
            await _encrypt.DisposeAsync();
        await _upload.CompleteAsync(ct);
        _completed = true;
        _record(new ManifestObject(_name, _key, _stored.BytesSeen, _stored.Sha256Hex, _raw.BytesSeen, _raw.Sha256Hex));
    }

    /// <summary>Without <see cref="CompleteAsync"/> the upload is aborted: a half-written object never appears.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            _completed = true;
            await _upload.DisposeAsync();
        }
        _raw.Dispose();
        _stored.Dispose();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_completed)
        {
            _completed = true;
            _upload.Dispose();
        }
        base.Dispose(disposing);
    }
}
