namespace BackupConsole.Core.Executors.Files;

/// <summary>
/// Content-defined chunking in the FastCDC style (gear rolling hash, normalized cut points): chunks of 256 KiB to
/// 4 MiB, about 1 MiB on average, whose boundaries follow the content, so an insertion early in a file changes the
/// chunks around it and not every chunk after it. The gear table comes from a fixed seed: boundaries never change
/// between versions, or deduplication against older snapshots would be lost.
/// </summary>
internal sealed class ContentChunker : IDisposable
{
    public const int MinSize = 256 * 1024;
    public const int AverageSize = 1024 * 1024;
    public const int MaxSize = 4 * 1024 * 1024;

    // Harder to match before the average size, easier after it: sizes cluster around the average.
    private const ulong MaskSmall = ~0UL << (64 - 22);
    private const ulong MaskLarge = ~0UL << (64 - 18);

    private static readonly ulong[] Gear = CreateGear();

    private readonly Stream _input;
    // Pooled: a fresh 8 MiB array per file costs more in page faults than chunking small files does.
    private byte[] _buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(2 * MaxSize);
    private int _start;
    private int _end;
    private bool _eof;

    public ContentChunker(Stream input) => _input = input;

    private static ulong[] CreateGear()
    {
        // SplitMix64 from a fixed seed.
        var gear = new ulong[256];
        var state = 0x42C0_FFEE_D00D_5EEDUL;
        for (var i = 0; i < gear.Length; i++)
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            gear[i] = z ^ (z >> 31);
        }
        return gear;
    }

    /// <summary>The next chunk (valid until the next call), or an empty memory at the end of the input.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> NextAsync(CancellationToken ct)
    {
        if (_end - _start < MaxSize && !_eof)
        {
            // Keep the unread tail at the front and fill up behind it.
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
            while (_end < 2 * MaxSize && !_eof)
            {
                var read = await _input.ReadAsync(_buffer.AsMemory(_end, 2 * MaxSize - _end), ct);
                if (read == 0)
                    _eof = true;
                _end += read;
            }
        }
        var length = CutPoint(_buffer.AsSpan(_start, _end - _start));
        var chunk = _buffer.AsMemory(_start, length);
        _start += length;
        return chunk;
    }

    internal static int CutPoint(ReadOnlySpan<byte> data)
    {
        var n = data.Length;
        if (n <= MinSize)
            return n;
        if (n > MaxSize)
            n = MaxSize;
        var normal = Math.Min(AverageSize, n);
        ulong fingerprint = 0;
        var i = MinSize;
        for (; i < normal; i++)
        {
            fingerprint = (fingerprint << 1) + Gear[data[i]];
            if ((fingerprint & MaskSmall) == 0)
                return i + 1;
        }
        for (; i < n; i++)
        {
            fingerprint = (fingerprint << 1) + Gear[data[i]];
            if ((fingerprint & MaskLarge) == 0)
                return i + 1;
        }
        return n;
    }

    public void Dispose()
    {
        System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
