using System.Buffers;
using System.Runtime.InteropServices;

namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>
/// zstd compression through the system's libzstd (Debian's libzstd1, multi-threaded): about 2.5 times the speed of the
/// managed port at level 3, which is what keeps a backup as fast as <c>tool | zstd</c>. The output is one standard
/// zstd frame, read back by the managed decoder. <see cref="ZstdCodec"/> falls back to the managed encoder where the
/// library is missing.
/// </summary>
internal sealed partial class NativeZstdCompressionStream : WriteOnlyStream
{
    private const string Library = "libzstd.so.1";
    private const int CompressionLevelParameter = 100;
    private const int WorkersParameter = 400;
    private const int Continue = 0;
    private const int End = 2;

    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly byte[] _output;
    private nint _context;

    [StructLayout(LayoutKind.Sequential)]
    private struct InBuffer
    {
        public nint Source;
        public nuint Size;
        public nuint Position;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct OutBuffer
    {
        public nint Destination;
        public nuint Size;
        public nuint Position;
    }

    [LibraryImport(Library)]
    private static partial nint ZSTD_createCCtx();

    [LibraryImport(Library)]
    private static partial nuint ZSTD_freeCCtx(nint context);

    [LibraryImport(Library)]
    private static partial nuint ZSTD_CCtx_setParameter(nint context, int parameter, int value);

    [LibraryImport(Library)]
    private static unsafe partial nuint ZSTD_compressStream2(nint context, OutBuffer* output, InBuffer* input, int endOp);

    [LibraryImport(Library)]
    private static partial uint ZSTD_isError(nuint code);

    [LibraryImport(Library)]
    private static partial nint ZSTD_getErrorName(nuint code);

    [LibraryImport(Library)]
    private static partial nuint ZSTD_CStreamOutSize();

    [LibraryImport(Library)]
    private static partial nuint ZSTD_compressBound(nuint sourceSize);

    [LibraryImport(Library)]
    private static unsafe partial nuint ZSTD_compressCCtx(nint context, byte* destination, nuint capacity, byte* source, nuint size, int level);

    /// <summary>
    /// One context per thread for <see cref="CompressBlock"/>: creating one per blob costs more than compressing it. It
    /// lives as long as its thread (pool threads are long-lived), about 1 MB each.
    /// </summary>
    [ThreadStatic]
    private static nint _blockContext;

    private static readonly Lazy<bool> Loadable = new(() =>
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad(Library, out var handle))
            return false;
        NativeLibrary.Free(handle);
        return true;
    });

    public static bool IsAvailable => Loadable.Value;

    /// <summary>The most <see cref="CompressBlock"/> can write for a buffer this size.</summary>
    public static int BlockBound(int contentLength) =>
        IsAvailable ? (int)ZSTD_compressBound((nuint)contentLength) : ZstdSharp.Compressor.GetCompressBound(contentLength);

    /// <summary>One small buffer as one frame (with its size, so it decodes in one call), single-threaded, into a caller's
    /// (pooled) buffer of <see cref="BlockBound"/> bytes; returns the bytes written.</summary>
    public static unsafe int CompressBlock(ReadOnlySpan<byte> content, int level, Span<byte> output)
    {
        if (!IsAvailable)
        {
            using var managed = new ZstdSharp.Compressor(level);
            return managed.Wrap(content, output);
        }
        nuint written;
        fixed (byte* source = content)
        fixed (byte* destination = output)
        {
            if (_blockContext == 0)
                _blockContext = ZSTD_createCCtx();
            written = ZSTD_compressCCtx(_blockContext, destination, (nuint)output.Length, source, (nuint)content.Length, level);
        }
        Check(written);
        return (int)written;
    }

    public NativeZstdCompressionStream(Stream inner, int level, bool leaveOpen)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        _context = ZSTD_createCCtx();
        if (_context == 0)
            throw new InvalidOperationException("libzstd could not create a compression context.");
        Check(ZSTD_CCtx_setParameter(_context, CompressionLevelParameter, level));
        // Workers compress while this thread reads and hashes; a library built without threads refuses, which is fine.
        ZSTD_CCtx_setParameter(_context, WorkersParameter, Math.Clamp(Environment.ProcessorCount, 1, 4));
        _output = ArrayPool<byte>.Shared.Rent((int)ZSTD_CStreamOutSize());
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var input = buffer;
        while (!input.IsEmpty)
        {
            var (consumed, produced, _) = Compress(input, Continue);
            input = input[consumed..];
            if (produced > 0)
                _inner.Write(_output, 0, produced);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var input = buffer;
        while (!input.IsEmpty)
        {
            var (consumed, produced, _) = Compress(input.Span, Continue);
            input = input[consumed..];
            if (produced > 0)
                await _inner.WriteAsync(_output.AsMemory(0, produced), cancellationToken);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private unsafe (int Consumed, int Produced, nuint Remaining) Compress(ReadOnlySpan<byte> input, int endOp)
    {
        ObjectDisposedException.ThrowIf(_context == 0, this);
        fixed (byte* source = input)
        fixed (byte* destination = _output)
        {
            var inBuffer = new InBuffer { Source = (nint)source, Size = (nuint)input.Length };
            var outBuffer = new OutBuffer { Destination = (nint)destination, Size = (nuint)_output.Length };
            var remaining = ZSTD_compressStream2(_context, &outBuffer, &inBuffer, endOp);
            Check(remaining);
            return ((int)inBuffer.Position, (int)outBuffer.Position, remaining);
        }
    }

    private async Task FinishAsync()
    {
        while (true)
        {
            var (_, produced, remaining) = Compress(ReadOnlySpan<byte>.Empty, End);
            if (produced > 0)
                await _inner.WriteAsync(_output.AsMemory(0, produced));
            if (remaining == 0)
                return;
        }
    }

    private static void Check(nuint code)
    {
        if (ZSTD_isError(code) != 0)
            throw new IOException("zstd: " + Marshal.PtrToStringAnsi(ZSTD_getErrorName(code)));
    }

    /// <summary>Ends the frame: without it the object is not valid zstd.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (_context != 0)
        {
            try
            {
                await FinishAsync();
            }
            finally
            {
                Release();
            }
            if (!_leaveOpen)
                await _inner.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        if (_context != 0)
        {
            try
            {
                if (disposing)
                    FinishAsync().GetAwaiter().GetResult();
            }
            finally
            {
                Release();
            }
            if (disposing && !_leaveOpen)
                _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    private void Release()
    {
        ZSTD_freeCCtx(_context);
        _context = 0;
        ArrayPool<byte>.Shared.Return(_output);
    }
}
