using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.Gateways;

/// <summary>
/// A loopback listener that carries each accepted connection to one external host through the gateway (bound to its
/// public IP, throttled to its bandwidth): how clients that cannot be handed a stream — MySqlConnector, the Redis
/// multiplexer — reach external sources the same way the S3 client does. Lives for one run or one check.
/// </summary>
public sealed class GatewayRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;

    private GatewayRelay(GatewayNetwork network, GatewayRoute route, string host, int port, ILogger logger)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(network, route, host, port, logger);
    }

    /// <summary>The loopback port to connect to instead of the external host's.</summary>
    public int Port { get; }

    public static GatewayRelay Start(GatewayNetwork network, GatewayRoute route, string host, int port, ILogger logger) =>
        new(network, route, host, port, logger);

    private async Task AcceptAsync(GatewayNetwork network, GatewayRoute route, string host, int port, ILogger logger)
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            lock (_connections)
                _connections.Add(CarryAsync(network, route, host, port, client, logger, ct));
        }
    }

    private static async Task CarryAsync(GatewayNetwork network, GatewayRoute route, string host, int port, TcpClient client, ILogger logger, CancellationToken ct)
    {
        using var _ = client;
        await using var local = client.GetStream();
        try
        {
            await using var remote = await network.ConnectAsync(route, host, port, ct);
            // Either side closing ends both directions.
            using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var up = PumpAsync(local, remote, done);
            var down = PumpAsync(remote, local, done);
            await Task.WhenAny(up, down);
            await done.CancelAsync();
            foreach (var reason in await Task.WhenAll(up, down))
                if (reason is not null)
                    logger.LogDebug("Gateway relay to {Host}:{Port}: {Reason}", host, port, reason);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            // The client sees the connection close and reports the failure in its own words.
            logger.LogDebug(ex, "Gateway relay to {Host}:{Port} closed: {Reason}", host, port, ex.Message);
        }
    }

    /// <returns>Why the copy ended early (one side went away), or null when its source simply closed.</returns>
    private static async Task<string?> PumpAsync(Stream from, Stream to, CancellationTokenSource done)
    {
        try
        {
            await from.CopyToAsync(to, 81920, done.Token);
            return null;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            return ex.Message;
        }
        finally
        {
            await done.CancelAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_connections)
            connections = [.. _connections];
        await Task.WhenAll(connections);
        _stop.Dispose();
    }
}
