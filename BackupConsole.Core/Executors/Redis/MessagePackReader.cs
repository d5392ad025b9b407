using System.Buffers.Binary;

namespace BackupConsole.Core.Executors.Redis;

/// <summary>
/// Reads the MessagePack that Redis's Lua <c>cmsgpack.pack</c> writes for a page of keys: one array of byte strings,
/// integers and <c>false</c> (a key gone meanwhile). Only the types that encoder emits for those values are accepted.
/// </summary>
internal ref struct MessagePackReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> data = data;
    private int position;

    public int ReadArrayHeader()
    {
        var tag = Next();
        return tag switch
        {
            >= 0x90 and <= 0x9f => tag & 0x0f,
            0xdc => BinaryPrimitives.ReadUInt16BigEndian(Take(2)),
            0xdd => checked((int)BinaryPrimitives.ReadUInt32BigEndian(Take(4))),
            _ => throw Unexpected(tag, "an array"),
        };
    }

    public long ReadInteger()
    {
        var tag = Next();
        return tag switch
        {
            <= 0x7f => tag,
            >= 0xe0 => (sbyte)tag,
            0xcc => Take(1)[0],
            0xcd => BinaryPrimitives.ReadUInt16BigEndian(Take(2)),
            0xce => BinaryPrimitives.ReadUInt32BigEndian(Take(4)),
            0xcf => checked((long)BinaryPrimitives.ReadUInt64BigEndian(Take(8))),
            0xd0 => (sbyte)Take(1)[0],
            0xd1 => BinaryPrimitives.ReadInt16BigEndian(Take(2)),
            0xd2 => BinaryPrimitives.ReadInt32BigEndian(Take(4)),
            0xd3 => BinaryPrimitives.ReadInt64BigEndian(Take(8)),
            _ => throw Unexpected(tag, "an integer"),
        };
    }

    public ReadOnlySpan<byte> ReadBytes() =>
        TryReadBytes(out var bytes) ? bytes : throw new InvalidDataException("Redis's page reply has false where a key was expected.");

    /// <summary>A byte string, or false for <c>false</c> (the Lua value of a nil reply).</summary>
    public bool TryReadBytes(out ReadOnlySpan<byte> bytes)
    {
        var tag = Next();
        var length = tag switch
        {
            0xc2 => -1,
            >= 0xa0 and <= 0xbf => tag & 0x1f,
            0xd9 or 0xc4 => Take(1)[0],
            0xda or 0xc5 => BinaryPrimitives.ReadUInt16BigEndian(Take(2)),
            0xdb or 0xc6 => checked((int)BinaryPrimitives.ReadUInt32BigEndian(Take(4))),
            _ => throw Unexpected(tag, "a byte string"),
        };
        bytes = length < 0 ? default : Take(length);
        return length >= 0;
    }

    private byte Next() => Take(1)[0];

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > data.Length - position)
            throw new InvalidDataException("Redis's page reply ends early.");
        var span = data.Slice(position, count);
        position += count;
        return span;
    }

    private static InvalidDataException Unexpected(byte tag, string expected) =>
        new($"Redis's page reply has MessagePack type 0x{tag:x2} where {expected} was expected.");
}
