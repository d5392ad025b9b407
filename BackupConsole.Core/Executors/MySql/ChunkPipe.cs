using System.IO.Pipelines;
using BackupConsole.Core.StoragePools.Repository;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>
/// Bytes written here are compressed, hashed and uploaded on another thread, so reading rows from the server and
/// encoding them overlaps with zstd and SHA-256 (two cores busy, as mysqldump | zstd). Memory stays bounded by the pipe.
/// </summary>
internal sealed class ChunkPipe : IAsyncDisposable
{
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
    private readonly BackupObjectWriter _chunk;
    private readonly Task _upload;

    public ChunkPipe(BackupObjectWriter chunk, CancellationToken ct)
    {
        _chunk = chunk;
        _writer = _pipe.Writer.AsStream(leaveOpen: true);
        _upload = Task.Run(async () =>
        {
            await using var source = _pipe.Reader.AsStream();
            await source.CopyToAsync(chunk, 1 << 20, ct);
        }, ct);
    }

    private readonly Stream _writer;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct) => _writer.WriteAsync(data, ct);

    /// <summary>Flushes what was written, waits for the upload and completes the object.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        await _writer.FlushAsync(ct);
        await _pipe.Writer.CompleteAsync();
        await _upload;
        await _chunk.CompleteAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        // Ends the reader if the chunk was abandoned; the upload then fails or finishes and is disposed below.
        await _pipe.Writer.CompleteAsync(new OperationCanceledException("The chunk was abandoned."));
        try
        {
            await _upload;
        }
        catch (OperationCanceledException)
        {
            // Expected when abandoned: the pipe was completed with that error above.
        }
        await _chunk.DisposeAsync();
    }
}
