using System.Buffers.Binary;
using System.Text;

namespace BackupConsole.Core.Executors.Redis;

/// <summary>
/// One Redis database in a backup set (<c>redis/db&lt;N&gt;.bin</c>): a header, then per key a record
/// <c>0x01 | key length (7-bit varint) | key | expiry (int64 LE, Unix ms, 0 = none) | DUMP length (varint) | DUMP payload</c>,
/// and an end record <c>0x00 | key count (int64 LE)</c>, so a truncated stream can never pass for a complete one.
/// Keys and payloads are bytes: binary key names come back exactly.
/// </summary>
internal static class RedisDumpFormat
{
    public static readonly byte[] Header = "BCREDIS1"u8.ToArray();
    private const byte RecordTag = 1;
    private const byte EndTag = 0;

    public static string ObjectName(int database) => $"redis/db{database}.bin";

    public static void WriteRecord(Stream output, ReadOnlySpan<byte> key, long expireAtMs, ReadOnlySpan<byte> dump)
    {
        output.WriteByte(RecordTag);
        WriteVarint(output, (ulong)key.Length);
        output.Write(key);
        Span<byte> expiry = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(expiry, expireAtMs);
        output.Write(expiry);
        WriteVarint(output, (ulong)dump.Length);
        output.Write(dump);
    }

    public static void WriteEnd(Stream output, long count)
    {
        output.WriteByte(EndTag);
        Span<byte> value = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(value, count);
        output.Write(value);
    }

    private static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        output.WriteByte((byte)value);
    }

    /// <summary>A record read back; <see cref="Key"/> and <see cref="Dump"/> are new arrays the caller may keep.</summary>
    public readonly record struct Record(byte[] Key, long ExpireAtMs, byte[] Dump);

    /// <summary>Reads every record; throws <see cref="InvalidDataException"/> on a bad header, a truncation or a count mismatch.</summary>
    public static async IAsyncEnumerable<Record> ReadAsync(Stream input, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var buffered = new BufferedStream(input, 1 << 20);
        var header = new byte[Header.Length];
        await buffered.ReadExactlyAsync(header, ct);
        if (!header.AsSpan().SequenceEqual(Header))
            throw new InvalidDataException($"Not a Redis backup object (header '{Encoding.ASCII.GetString(header)}').");
        long count = 0;
        var fixed8 = new byte[8];
        while (true)
        {
            var tag = buffered.ReadByte();
            if (tag == EndTag)
            {
                await buffered.ReadExactlyAsync(fixed8, ct);
                var expected = BinaryPrimitives.ReadInt64LittleEndian(fixed8);
                if (expected != count)
                    throw new InvalidDataException($"The Redis backup object ends after {count} keys but records {expected}.");
                yield break;
            }
            if (tag != RecordTag)
                throw new InvalidDataException(tag < 0 ? "The Redis backup object is truncated." : $"Unexpected record tag {tag} in the Redis backup object.");
            var key = new byte[ReadLength(buffered)];
            await buffered.ReadExactlyAsync(key, ct);
            await buffered.ReadExactlyAsync(fixed8, ct);
            var expireAt = BinaryPrimitives.ReadInt64LittleEndian(fixed8);
            var dump = new byte[ReadLength(buffered)];
            await buffered.ReadExactlyAsync(dump, ct);
            count++;
            yield return new Record(key, expireAt, dump);
        }
    }

    private static int ReadLength(Stream input)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = input.ReadByte();
            if (b < 0)
                throw new InvalidDataException("The Redis backup object is truncated.");
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return value <= (ulong)Array.MaxLength ? (int)value : throw new InvalidDataException($"A record of {value} bytes is larger than any Redis value.");
        }
        throw new InvalidDataException("A length in the Redis backup object is malformed.");
    }
}
