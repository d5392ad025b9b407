namespace BackupConsole.Core.StoragePools.ObjectStores;

/// <summary>
/// A write-only stream into one object. Memory stays bounded by the part size whatever the object's size;
/// <see cref="CompleteAsync"/> makes the object visible, <see cref="DisposeAsync"/> without it discards every part.
/// </summary>
public abstract class ObjectUpload : Stream
{
    private bool _completed;

    public string Key { get; }

    /// <summary>Bytes written so far.</summary>
    public long Length64 { get; private set; }

    protected ObjectUpload(string key) => Key = key;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Length64;

    public override long Position
    {
        get => Length64;
        set => throw new NotSupportedException();
    }

    public async Task CompleteAsync(CancellationToken ct)
    {
        await CompleteCoreAsync(ct);
        _completed = true;
    }

    protected abstract Task CompleteCoreAsync(CancellationToken ct);

    protected abstract Task AbortCoreAsync();

    protected abstract ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct);

    public sealed override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await WriteCoreAsync(buffer, cancellationToken);
        Length64 += buffer.Length;
    }

    public sealed override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Compressors and encoders call the blocking Write; the upload itself stays asynchronous underneath.
    public sealed override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public sealed override async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            _completed = true;
            await AbortCoreAsync();
        }
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_completed)
        {
            _completed = true;
            AbortCoreAsync().GetAwaiter().GetResult();
        }
        base.Dispose(disposing);
    }
}
