using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>
/// Client-side encryption of backup objects: AES-256-GCM over fixed-size chunks, so objects of any size
/// stream through in bounded memory. Each chunk has its own nonce (random prefix ‖ counter) and tag; the header
/// and a last-chunk flag are authenticated, so reordering, truncation or appending is detected like any flipped bit.
/// Layout: "BCE1" | chunk size (int32 LE) | nonce prefix (8 bytes) | chunks of (ciphertext ‖ 16-byte tag).
/// </summary>
public static class ChunkedAesGcm
{
    public const int KeySize = 32;
    public const int DefaultChunkSize = 1024 * 1024;
    internal const int TagSize = 16;
    private const int HeaderSize = 16;
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("BCE1");

    /// <summary>A short, safe-to-store fingerprint that tells whether a key is the one a backup was written with.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> key) => Convert.ToHexStringLower(SHA256.HashData(key))[..16];

    internal static Stream Encrypt(Stream ciphertextSink, byte[] key, int chunkSize = DefaultChunkSize) =>
        new EncryptingStream(ciphertextSink, key, chunkSize);

    internal static Stream Decrypt(Stream ciphertextSource, byte[] key) => new DecryptingStream(ciphertextSource, key);

    /// <summary>The size <see cref="EncryptBlock"/> writes for a payload of <paramref name="plainLength"/> bytes.</summary>
    internal static int SealedLength(int plainLength, int chunkSize = DefaultChunkSize)
    {
        var chunks = plainLength == 0 ? 1 : (plainLength + chunkSize - 1) / chunkSize;
        return HeaderSize + plainLength + chunks * TagSize;
    }

    /// <summary>
    /// Encrypts a payload held in memory into <paramref name="output"/> (at least <see cref="SealedLength"/> bytes) in
    /// exactly the layout <see cref="Encrypt"/> streams, without the stream's two chunk-sized buffers: blobs are sealed
    /// by the hundred per snapshot, and fresh megabyte arrays for each cost more in page faults and collections than
    /// the encryption itself.
    /// </summary>
    internal static int EncryptBlock(ReadOnlySpan<byte> plain, byte[] key, Span<byte> output, int chunkSize = DefaultChunkSize)
    {
        var length = SealedLength(plain.Length, chunkSize);
        if (output.Length < length)
            throw new ArgumentException($"The output needs {length} bytes.", nameof(output));
        var header = output[..HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], chunkSize);
        RandomNumberGenerator.Fill(header.Slice(8, 8));
        using var aes = new AesGcm(key, TagSize);
        Span<byte> nonce = stackalloc byte[12];
        var position = HeaderSize;
        uint counter = 0;
        var remaining = plain;
        do
        {
            var take = Math.Min(remaining.Length, chunkSize);
            var final = take == remaining.Length;
            Nonce(nonce, header.Slice(8, 8), counter++);
            aes.Encrypt(nonce, remaining[..take], output.Slice(position, take), output.Slice(position + take, TagSize), Aad(header, final));
            position += take + TagSize;
            remaining = remaining[take..];
        }
        while (!remaining.IsEmpty);
        return position;
    }

    private static void Nonce(Span<byte> nonce, ReadOnlySpan<byte> prefix, uint counter)
    {
        prefix.CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], counter);
    }

    private static byte[] Aad(ReadOnlySpan<byte> header, bool final)
    {
        var aad = new byte[HeaderSize + 1];
        header.CopyTo(aad);
        aad[HeaderSize] = final ? (byte)1 : (byte)0;
        return aad;
    }

    private sealed class EncryptingStream : WriteOnlyStream
    {
        private readonly Stream _sink;
        private readonly AesGcm _aes;
        private readonly byte[] _header = new byte[HeaderSize];
        private readonly byte[] _plain;
        private readonly byte[] _frame;
        private int _filled;
        private uint _counter;
        private bool _headerWritten;
        private bool _finished;

        public EncryptingStream(Stream sink, byte[] key, int chunkSize)
        {
            _sink = sink;
            _aes = new AesGcm(key, TagSize);
            _plain = new byte[chunkSize];
            // The header sits in front of the frame, so the first chunk goes out in one write together with it.
            _frame = new byte[HeaderSize + chunkSize + TagSize];
            Magic.CopyTo(_header, 0);
            BinaryPrimitives.WriteInt32LittleEndian(_header.AsSpan(4), chunkSize);
            RandomNumberGenerator.Fill(_header.AsSpan(8, 8));
            _header.CopyTo(_frame, 0);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            var input = buffer.AsSpan(offset, count);
            while (!input.IsEmpty)
            {
                // A full chunk is sealed only once more data arrives, so the last chunk always carries the final flag.
                if (_filled == _plain.Length)
                    _sink.Write(Seal(final: false).Span);
                var take = Math.Min(input.Length, _plain.Length - _filled);
                input[..take].CopyTo(_plain.AsSpan(_filled));
                _filled += take;
                input = input[take..];
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (!buffer.IsEmpty)
            {
                if (_filled == _plain.Length)
                    await _sink.WriteAsync(Seal(final: false), cancellationToken);
                var take = Math.Min(buffer.Length, _plain.Length - _filled);
                buffer[..take].CopyTo(_plain.AsMemory(_filled));
                _filled += take;
                buffer = buffer[take..];
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        /// <summary>Encrypts the buffered chunk; returns the bytes to write (with the header before the first chunk).</summary>
        private ReadOnlyMemory<byte> Seal(bool final)
        {
            Span<byte> nonce = stackalloc byte[12];
            Nonce(nonce, _header.AsSpan(8, 8), _counter++);
            var start = _headerWritten ? HeaderSize : 0;
            _headerWritten = true;
            var cipher = _frame.AsSpan(HeaderSize, _filled);
            var tag = _frame.AsSpan(HeaderSize + _filled, TagSize);
            _aes.Encrypt(nonce, _plain.AsSpan(0, _filled), cipher, tag, Aad(_header, final));
            var length = HeaderSize + _filled + TagSize - start;
            _filled = 0;
            return _frame.AsMemory(start, length);
        }

        public override void Flush() => _sink.Flush();

        public override async ValueTask DisposeAsync()
        {
            if (!_finished)
            {
                _finished = true;
                await _sink.WriteAsync(Seal(final: true));
                _aes.Dispose();
            }
            await base.DisposeAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_finished)
            {
                _finished = true;
                _sink.Write(Seal(final: true).Span);
                _aes.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    private sealed class DecryptingStream : ReadOnlyStream
    {
        private readonly Stream _source;
        private readonly byte[] _key;
        private AesGcm? _aes;
        private byte[] _header = [];
        private byte[] _frame = [];
        private byte[] _plain = [];
        private int _plainOffset;
        private int _plainLength;
        private uint _counter;
        private bool _done;
        private int _carry = -1;

        public DecryptingStream(Stream source, byte[] key)
        {
            _source = source;
            _key = key;
        }

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (_plainOffset == _plainLength)
            {
                if (_done)
                    return 0;
                await NextChunkAsync(cancellationToken);
            }
            var take = Math.Min(buffer.Length, _plainLength - _plainOffset);
            _plain.AsMemory(_plainOffset, take).CopyTo(buffer);
            _plainOffset += take;
            return take;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private async Task NextChunkAsync(CancellationToken ct)
        {
            if (_aes is null)
                await ReadHeaderAsync(ct);
            var frameLength = await ReadFullyAsync(_frame, ct);
            bool final;
            if (frameLength < _frame.Length)
            {
                final = true;
            }
            else
            {
                // A full frame is the last one only if nothing follows it.
                var next = new byte[1];
                final = await _source.ReadAsync(next, ct) == 0;
                _carry = final ? -1 : next[0];
            }
            if (frameLength < TagSize)
                throw new CryptographicException("The encrypted object is truncated.");
            Open(frameLength - TagSize, final);
        }

        private void Open(int cipherLength, bool final)
        {
            Span<byte> nonce = stackalloc byte[12];
            Nonce(nonce, _header.AsSpan(8, 8), _counter++);
            _aes!.Decrypt(nonce, _frame.AsSpan(0, cipherLength), _frame.AsSpan(cipherLength, TagSize), _plain.AsSpan(0, cipherLength), Aad(_header, final));
            _plainOffset = 0;
            _plainLength = cipherLength;
            _done = final;
        }

        private async Task ReadHeaderAsync(CancellationToken ct)
        {
            _header = new byte[HeaderSize];
            if (await ReadFullyAsync(_header, ct) < HeaderSize || !_header.AsSpan(0, 4).SequenceEqual(Magic))
                throw new CryptographicException("The object is not encrypted in the BackupConsole format.");
            var chunkSize = BinaryPrimitives.ReadInt32LittleEndian(_header.AsSpan(4));
            if (chunkSize is < 1024 or > 64 * 1024 * 1024)
                throw new CryptographicException("The encrypted object's header is corrupt.");
            _frame = new byte[chunkSize + TagSize];
            _plain = new byte[chunkSize];
            _aes = new AesGcm(_key, TagSize);
        }

        private async Task<int> ReadFullyAsync(byte[] buffer, CancellationToken ct)
        {
            var total = 0;
            if (_carry >= 0 && buffer.Length > 0)
            {
                buffer[0] = (byte)_carry;
                _carry = -1;
                total = 1;
            }
            while (total < buffer.Length)
            {
                var read = await _source.ReadAsync(buffer.AsMemory(total), ct);
                if (read == 0)
                    break;
                total += read;
            }
            return total;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _aes?.Dispose();
                _source.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
