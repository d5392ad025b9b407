using BackupConsole.Core.Executors.Redis;

namespace BackupConsole.Tests.Executors;

/// <summary>The page reply of the Redis backup script, as Lua's cmsgpack writes it; a damaged reply is refused, never misread.</summary>
public sealed class MessagePackReaderTests
{
    [Fact]
    public void Reads_the_types_cmsgpack_writes_for_a_page()
    {
        byte[] key = [0, 255, 10];
        var dump = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var packed = new List<byte> { 0x94, 0x01, 0xa3 };
        packed.AddRange(key);
        packed.AddRange([0xda, 0x01, 0x2c]);
        packed.AddRange(dump);
        packed.AddRange([0xfe, 0xc2]);

        var reader = new MessagePackReader(packed.ToArray());

        Assert.Equal(4, reader.ReadArrayHeader());
        Assert.Equal(1, reader.ReadInteger());
        Assert.Equal(key, reader.ReadBytes().ToArray());
        Assert.True(reader.TryReadBytes(out var read));
        Assert.Equal(dump, read.ToArray());
        Assert.Equal(-2, reader.ReadInteger());
        Assert.False(reader.TryReadBytes(out _));
    }

    [Theory]
    [InlineData(new byte[] { 0xa5, 1, 2 }, "ends early")]
    [InlineData(new byte[] { 0xcb, 0, 0, 0, 0, 0, 0, 0, 0 }, "0xcb")]
    [InlineData(new byte[] { 0xc2 }, "false where a key")]
    public void A_damaged_reply_is_refused(byte[] packed, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() =>
        {
            var reader = new MessagePackReader(packed);
            reader.ReadBytes();
        });
        Assert.Contains(message, error.Message);
    }
}
