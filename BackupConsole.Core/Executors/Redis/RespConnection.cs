using System.Net.Sockets;

namespace BackupConsole.Core.Executors.Redis;

/// <summary>
/// One plain connection to a Redis server for a backup or restore: commands batched by <see cref="Writer"/>, replies
/// read in order by <see cref="Reader"/>. Backups and restores are one long pipeline, where a general-purpose
/// client's per-command task cost more CPU than the server spent on the command, and where its connection handshake
/// (a fifth of a second) was a tenth of a whole backup's time.
/// </summary>
internal sealed class RespConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RespConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        Reader = new RespReader(_stream);
    }

    public RespWriter Writer { get; } = new();

    public RespReader Reader { get; }

    /// <summary>Connects and authenticates as the endpoint's user; database 0 is selected.</summary>
    public static async Task<RespConnection> OpenAsync(RedisEndpoint endpoint, CancellationToken ct)
    {
        var client = new TcpClient { NoDelay = true };
        RespConnection? connection = null;
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                await client.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
            }
            connection = new RespConnection(client);
            if (endpoint.Password is { } password)
            {
                connection.Writer.Command(endpoint.User is null ? 2 : 3).Bulk("AUTH");
                if (endpoint.User is { } user)
                    connection.Writer.Bulk(System.Text.Encoding.UTF8.GetBytes(user));
                connection.Writer.Bulk(System.Text.Encoding.UTF8.GetBytes(password));
                await connection.FlushAsync(ct);
                await connection.Reader.ReadStatusAsync(ct);
            }
            // A server that wants a password says so at the first command, not at connect.
            connection.Writer.Command("CLIENT", "SETNAME", "BackupConsole");
            await connection.FlushAsync(ct);
            try
            {
                await connection.Reader.ReadStatusAsync(ct);
            }
            catch (RespErrorException ex) when (ex.Message.StartsWith("NOPERM", StringComparison.Ordinal))
            {
                // A user without CLIENT: the name only helps whoever reads CLIENT LIST.
            }
            return connection;
        }
        catch (Exception ex) when (ex is SocketException or IOException or RespErrorException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            if (connection is not null)
                await connection.DisposeAsync();
            else
                client.Dispose();
            var reason = ex is RespErrorException { Message: var text } && (text.StartsWith("WRONGPASS", StringComparison.Ordinal) || text.StartsWith("NOAUTH", StringComparison.Ordinal)
                                                                              || text.Contains("invalid password", StringComparison.OrdinalIgnoreCase))
                ? "authentication failed (wrong user or password)"
                : ex is OperationCanceledException ? "no answer within 10 seconds" : ex.Message;
            throw new BackupException($"Cannot connect to Redis at {endpoint.Description}: {reason}.", ex);
        }
    }

    public async Task SelectAsync(int database, CancellationToken ct)
    {
        Writer.Command("SELECT", database.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await FlushAsync(ct);
        await Reader.ReadStatusAsync(ct);
    }

    /// <summary>INFO of one section, as Redis writes it (<c>name:value</c> lines).</summary>
    public async Task<string> InfoAsync(string section, CancellationToken ct)
    {
        Writer.Command("INFO", section);
        await FlushAsync(ct);
        return System.Text.Encoding.UTF8.GetString(await Reader.ReadBulkAsync(ct) ?? []);
    }

    /// <summary>The server's version as HELLO (Redis 6+) names it, for a user that may not run INFO; null when it cannot say.</summary>
    public async Task<string?> HelloVersionAsync(CancellationToken ct)
    {
        Writer.Command("HELLO", "2");
        await FlushAsync(ct);
        try
        {
            var fields = await Reader.ReadAnyAsync(ct) as object?[] ?? [];
            for (var i = 0; i + 1 < fields.Length; i += 2)
                if (fields[i] is "version")
                    return fields[i + 1] as string;
            return null;
        }
        catch (RespErrorException)
        {
            return null;
        }
    }

    /// <summary>Keys in the selected database.</summary>
    public async Task<long> DatabaseSizeAsync(CancellationToken ct)
    {
        Writer.Command("DBSIZE");
        await FlushAsync(ct);
        return await Reader.ReadIntegerAsync(ct);
    }

    /// <summary>The value of <paramref name="name"/> in INFO text; null when absent.</summary>
    public static string? InfoField(string info, string name)
    {
        foreach (var line in info.Split('\n'))
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
                return line[(name.Length + 1)..].TrimEnd('\r');
        return null;
    }

    public ValueTask FlushAsync(CancellationToken ct) => Writer.FlushAsync(_stream, ct);

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
