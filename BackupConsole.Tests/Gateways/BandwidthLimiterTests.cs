using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using BackupConsole.Core.Gateways;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupConsole.Tests.Gateways;

/// <summary>R-GW-4: every stream through the gateway obeys its limiter, and a change reaches transfers already running.</summary>
public sealed class BandwidthLimiterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Raising_the_rate_speeds_up_a_transfer_that_is_already_waiting()
    {
        using var limiter = new BandwidthLimiter(1);
        await using var stream = new ThrottledStream(Stream.Null, limiter);
        // 4 MB at 1 Mbps would take about 32 s; the raise must reach the write that is already queued.
        var write = stream.WriteAsync(new byte[4 * 1024 * 1024], Ct).AsTask();
        await Task.Delay(300, Ct);
        Assert.False(write.IsCompleted);

        var clock = Stopwatch.StartNew();
        limiter.SetRate(10_000);
        await write.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Bytes_cross_a_throttled_stream_unchanged_in_both_directions()
    {
        using var limiter = new BandwidthLimiter(1000);
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 5);
        var sink = new MemoryStream();
        await using (var writer = new ThrottledStream(sink, limiter, leaveOpen: true))
            await writer.WriteAsync(data, Ct);
        sink.Position = 0;
        var back = new MemoryStream();
        await using (var reader = new ThrottledStream(sink, limiter))
            await reader.CopyToAsync(back, Ct);

        Assert.Equal(SHA256.HashData(data), SHA256.HashData(back.ToArray()));
    }

    [Fact]
    public void Each_gateway_has_exactly_one_limiter_until_it_is_removed()
    {
        using var limiters = new GatewayLimiters();
        var first = limiters.For("dbsgw-aaaaaaaa", 10);

        Assert.Same(first, limiters.For("dbsgw-aaaaaaaa", 99));
        limiters.SetRate("dbsgw-aaaaaaaa", 20);
        Assert.Equal(20, first.Mbps);
        limiters.Remove("dbsgw-aaaaaaaa");
        Assert.NotSame(first, limiters.For("dbsgw-aaaaaaaa", 10));
    }

    public static TheoryData<AddressFamily> Families() => new() { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 };

    /// <summary>R-GW item 4: where the host has the public IP, connections through the gateway leave from it.</summary>
    [Theory]
    [MemberData(nameof(Families))]
    public async Task Connections_leave_from_the_public_ip_when_this_host_has_it(AddressFamily family)
    {
        var local = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == family && !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal);
        if (local is null)
        {
            var message = $"This host has no non-loopback {family} address to bind to.";
            if (Environment.GetEnvironmentVariable("CI") == "true")
                Assert.Fail(message);
            Assert.Skip(message);
        }
        var loopback = family == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback;

        Assert.Equal(local, await PeerSeenByListenerAsync(local!.ToString(), loopback));
        Assert.Equal(loopback, await PeerSeenByListenerAsync(family == AddressFamily.InterNetwork ? "203.0.113.77" : "2001:db8::77", loopback));
    }

    private static async Task<IPAddress> PeerSeenByListenerAsync(string publicIp, IPAddress loopback)
    {
        using var listener = new TcpListener(loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var network = new GatewayNetwork(new GatewayLimiters(), NullLogger<GatewayNetwork>.Instance);
        var route = network.RouteFor(new Gateway { Id = "dbsgw-bindtest", Name = "g", PublicIp = publicIp, BandwidthMbps = 100, ProjectGroupId = "pg" });

        var accept = listener.AcceptTcpClientAsync(Ct).AsTask();
        await using var stream = await network.ConnectAsync(route, loopback.ToString(), port, Ct);
        using var server = await accept;
        await stream.WriteAsync("ping"u8.ToArray(), Ct);
        return ((IPEndPoint)server.Client.RemoteEndPoint!).Address;
    }
}
