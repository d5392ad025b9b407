using System.Buffers.Text;

namespace BackupConsole.Core.Executors.Redis;

/// <summary>
/// Encodes Redis commands (RESP arrays of bulk strings) into one growing buffer, sent with one write per batch: a
/// thousand pipelined commands cost one system call, not a thousand.
/// </summary>
internal sealed class RespWriter
{
    private byte[] _buffer = new byte[1 << 16];
    private int _length;

    public RespWriter Command(int arguments)
    {
        Reserve(24);
        _buffer[_length++] = (byte)'*';
        WriteNumberLine(arguments);
        return this;
    }

    public RespWriter Bulk(ReadOnlySpan<byte> value)
    {
        Reserve(value.Length + 24);
        _buffer[_length++] = (byte)'$';
        WriteNumberLine(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
        _buffer[_length++] = (byte)'\r';
        _buffer[_length++] = (byte)'\n';
        return this;
    }

    /// <summary>An ASCII argument (a command name, an option); never user data.</summary>
    public RespWriter Bulk(string ascii)
    {
        Span<byte> bytes = stackalloc byte[ascii.Length];
        for (var i = 0; i < ascii.Length; i++)
            bytes[i] = (byte)ascii[i];
        return Bulk(bytes);
    }

    public RespWriter Bulk(long number)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(number, digits, out var written);
        return Bulk(digits[..written]);
    }

    public RespWriter Command(params string[] parts)
    {
        Command(parts.Length);
        foreach (var part in parts)
            Bulk(part);
        return this;
    }

    public async ValueTask FlushAsync(Stream output, CancellationToken ct)
    {
        if (_length == 0)
            return;
        await output.WriteAsync(_buffer.AsMemory(0, _length), ct);
        _length = 0;
    }

    private void WriteNumberLine(long number)
    {
        Utf8Formatter.TryFormat(number, _buffer.AsSpan(_length), out var written);
        _length += written;
        _buffer[_length++] = (byte)'\r';
        _buffer[_length++] = (byte)'\n';
    }

    private void Reserve(int bytes)
    {
        if (_length + bytes <= _buffer.Length)
            return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
    }
}
