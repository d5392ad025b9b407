using System.Net.Sockets;

namespace BackupConsole.Core.Executors.Redis;

/// <summary>
/// One plain connection to a Redis database for the bulk of a backup or restore: commands batched by
/// <see cref="Writer"/>, replies read in order by <see cref="Reader"/>. The control work around it (version,
/// keyspace, sizes) goes through StackExchange.Redis; this connection only carries the pipelined stream, where a
/// general-purpose client's per-command task cost more CPU than the server spent on the command.
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

    /// <summary>Connects, authenticates as the endpoint's user and selects <paramref name="database"/>.</summary>
    public static async Task<RespConnection> OpenAsync(RedisEndpoint endpoint, int database, CancellationToken ct)
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
            }
            connection.Writer.Command("SELECT", database.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await connection.FlushAsync(ct);
            if (endpoint.Password is not null)
                await connection.Reader.ReadStatusAsync(ct);
            await connection.Reader.ReadStatusAsync(ct);
            return connection;
        }
        catch (Exception ex) when (ex is SocketException or IOException or RespErrorException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            if (connection is not null)
                await connection.DisposeAsync();
            else
                client.Dispose();
            throw new BackupException($"Cannot open a connection to Redis at {endpoint.Description}: {ex.Message}", ex);
        }
    }

    public ValueTask FlushAsync(CancellationToken ct) => Writer.FlushAsync(_stream, ct);

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
