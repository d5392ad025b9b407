using System.Buffers.Text;
using System.Text;

namespace BackupConsole.Core.Executors.Redis;

/// <summary>An error reply from Redis (<c>-ERR …</c>, <c>-NOPERM …</c>); the connection stays usable after it.</summary>
internal sealed class RespErrorException(string message) : Exception(message);

/// <summary>
/// Parses Redis replies (RESP2) from a buffered stream, one typed read per expected reply, completing synchronously
/// while replies are buffered: a pipeline's million small replies cost a parse each, not a task and a result object
/// each as in a general-purpose client.
/// </summary>
internal sealed class RespReader(Stream input)
{
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;

    /// <summary><c>+OK</c>, <c>+QUEUED</c> and the like.</summary>
    public async ValueTask ReadStatusAsync(CancellationToken ct)
    {
        var (type, start, length) = await ReadLineAsync(ct);
        if (type != '+')
            throw Unexpected(type, start, length, "a status");
    }

    public async ValueTask<long> ReadIntegerAsync(CancellationToken ct)
    {
        var (type, start, length) = await ReadLineAsync(ct);
        if (type != ':')
            throw Unexpected(type, start, length, "an integer");
        return ParseNumber(start, length);
    }

    /// <summary>The element count of an array reply; -1 for a null array (an aborted transaction).</summary>
    public async ValueTask<int> ReadArrayHeaderAsync(CancellationToken ct)
    {
        var (type, start, length) = await ReadLineAsync(ct);
        if (type != '*')
            throw Unexpected(type, start, length, "an array");
        return checked((int)ParseNumber(start, length));
    }

    /// <summary>A bulk string as a new array, or null for a null bulk (a key that does not exist).</summary>
    public async ValueTask<byte[]?> ReadBulkAsync(CancellationToken ct)
    {
        var (type, start, length) = await ReadLineAsync(ct);
        if (type != '$')
            throw Unexpected(type, start, length, "a bulk string");
        var size = ParseNumber(start, length);
        if (size < 0)
            return null;
        if (size > Array.MaxLength - 2)
            throw new InvalidDataException($"Redis sent a bulk string of {size} bytes.");
        var value = new byte[size];
        var buffered = (int)Math.Min(size, _end - _start);
        _buffer.AsSpan(_start, buffered).CopyTo(value);
        _start += buffered;
        if (buffered < size)
            // Past the buffer: straight into the value, not through the buffer.
            await input.ReadExactlyAsync(value.AsMemory(buffered), ct);
        await EnsureAsync(2, ct);
        _start += 2;
        return value;
    }

    /// <summary>Any reply, as text for status and bulk strings, long for integers, object?[] for arrays; for rare control replies.</summary>
    public async ValueTask<object?> ReadAnyAsync(CancellationToken ct)
    {
        await EnsureAsync(1, ct);
        switch ((char)_buffer[_start])
        {
            case '$':
                return await ReadBulkAsync(ct) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
            case '*':
                var count = await ReadArrayHeaderAsync(ct);
                if (count < 0)
                    return null;
                var items = new object?[count];
                for (var i = 0; i < count; i++)
                    items[i] = await ReadAnyAsync(ct);
                return items;
            default:
                var (type, start, length) = await ReadLineAsync(ct);
                return type switch
                {
                    '+' => Encoding.UTF8.GetString(_buffer, start, length),
                    ':' => ParseNumber(start, length),
                    _ => throw Unexpected(type, start, length, "a reply"),
                };
        }
    }

    /// <summary>The next line's type byte and its text's place in the buffer, valid until the next read.</summary>
    private async ValueTask<(char Type, int Start, int Length)> ReadLineAsync(CancellationToken ct)
    {
        var searched = 0;
        while (true)
        {
            var newline = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var lineEnd = _start + searched + newline;
                var line = (Type: (char)_buffer[_start], Start: _start + 1, Length: lineEnd - 1 - (_start + 1));
                if (line.Length < 0 || _buffer[lineEnd - 1] != '\r')
                    throw new InvalidDataException("Redis sent a malformed reply line.");
                _start = lineEnd + 1;
                return line;
            }
            searched = _end - _start;
            await FillAsync(ct);
        }
    }

    private async ValueTask EnsureAsync(int bytes, CancellationToken ct)
    {
        while (_end - _start < bytes)
            await FillAsync(ct);
    }

    private async ValueTask FillAsync(CancellationToken ct)
    {
        if (_start == _end)
            _start = _end = 0;
        if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }
            else
            {
                // One line longer than the buffer (a huge error text or status): let it grow.
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
        }
        var read = await input.ReadAsync(_buffer.AsMemory(_end), ct);
        if (read == 0)
            throw new EndOfStreamException("Redis closed the connection.");
        _end += read;
    }

    private long ParseNumber(int start, int length)
    {
        if (!Utf8Parser.TryParse(_buffer.AsSpan(start, length), out long value, out var consumed) || consumed != length)
            throw new InvalidDataException("Redis sent a malformed number.");
        return value;
    }

    private Exception Unexpected(char type, int start, int length, string expected)
    {
        var text = Encoding.UTF8.GetString(_buffer, start, length);
        return type == '-'
            ? new RespErrorException(text)
            : new InvalidDataException($"Redis replied '{type}{text}' where {expected} was expected.");
    }
}
