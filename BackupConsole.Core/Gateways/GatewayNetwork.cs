using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.Gateways;

/// <summary>Opens outbound connections through a gateway: bound to its public IP where this host has it, always throttled.</summary>
public sealed class GatewayNetwork(GatewayLimiters limiters, ILogger<GatewayNetwork> logger)
{
    /// <summary>True when the address is assigned to one of this host's network interfaces.</summary>
    public static bool IsAssignedLocally(IPAddress address) =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Any(u => u.Address.Equals(address));

    public GatewayRoute RouteFor(Gateway gateway)
    {
        var ip = IPAddress.Parse(gateway.PublicIp);
        return new GatewayRoute(gateway.Id, ip, IsAssignedLocally(ip) ? ip : null, limiters.For(gateway.Id, gateway.BandwidthMbps));
    }

    /// <summary>A TCP connection to <paramref name="host"/>:<paramref name="port"/> that crosses the gateway.</summary>
    public async Task<Stream> ConnectAsync(GatewayRoute route, string host, int port, CancellationToken ct)
    {
        var addresses = await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.Length == 0)
            throw new SocketException((int)SocketError.HostNotFound);

        // Leave from the public IP only towards addresses of its family; otherwise the kernel cannot route the bind.
        var bind = route.BindAddress;
        var targets = bind is null ? addresses : addresses.Where(a => a.AddressFamily == bind.AddressFamily).DefaultIfEmpty().ToArray();
        if (bind is not null && targets is [null])
        {
            logger.LogWarning("Gateway {GatewayId}: {Host} has no {Family} address; connecting without binding to {PublicIp}",
                route.GatewayId, host, bind.AddressFamily, bind);
            bind = null;
            targets = addresses;
        }

        SocketException? last = null;
        foreach (var target in targets)
        {
            var socket = new Socket(target!.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (bind is not null)
                    socket.Bind(new IPEndPoint(bind, 0));
                await socket.ConnectAsync(new IPEndPoint(target, port), ct);
                return new ThrottledStream(new NetworkStream(socket, ownsSocket: true), route.Limiter);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
        }
        throw last!;
    }

    /// <summary>An HTTP handler for S3 clients whose every connection crosses the gateway.</summary>
    public SocketsHttpHandler CreateHttpHandler(GatewayRoute route) => new()
    {
        ConnectCallback = (context, ct) => new ValueTask<Stream>(ConnectAsync(route, context.DnsEndPoint.Host, context.DnsEndPoint.Port, ct)),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };
}
