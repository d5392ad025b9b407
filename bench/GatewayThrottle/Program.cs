// Pushes data through a gateway's limiter over a real loopback TCP connection and prints achieved against
// configured bandwidth (issue #3: within ±10 % at 10 and 100 Mbps), plus a run whose rate changes mid-transfer.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BackupConsole.Core.Gateways;
using Microsoft.Extensions.Logging.Abstractions;

var seconds = args.Length > 0 ? int.Parse(args[0]) : 8;
var required = new[] { 10, 100 };
var informational = new[] { 1000 };
var failed = false;

Console.WriteLine($"Gateway throttle over loopback TCP, {seconds} s per rate after a 1 s warm-up (not counted).");
Console.WriteLine($"{"configured",12} {"achieved",12} {"ratio",7}  result");
foreach (var mbps in required.Concat(informational))
{
    var achieved = await MeasureAsync(mbps, seconds, changeTo: null);
    var ratio = achieved[0] / mbps;
    var ok = ratio is >= 0.9 and <= 1.1;
    var verdict = required.Contains(mbps) ? (ok ? "PASS" : "FAIL") : "info";
    failed |= required.Contains(mbps) && !ok;
    Console.WriteLine($"{mbps,8} Mbps {achieved[0],7:0.00} Mbps {ratio,7:0.000}  {verdict}");
}

Console.WriteLine();
Console.WriteLine("Rate change while the transfer runs (10 → 50 Mbps at half time):");
var halves = await MeasureAsync(10, seconds, changeTo: 50);
var before = halves[0] / 10;
var after = halves[1] / 50;
var changeOk = before is >= 0.9 and <= 1.1 && after is >= 0.9 and <= 1.1;
failed |= !changeOk;
Console.WriteLine($"  first half  {halves[0],7:0.00} Mbps of 10 (ratio {before:0.000})");
Console.WriteLine($"  second half {halves[1],7:0.00} Mbps of 50 (ratio {after:0.000})  {(changeOk ? "PASS" : "FAIL")}");
return failed ? 1 : 0;

// Returns the achieved Mbps (one value, or one per half when the rate changes at half time).
static async Task<double[]> MeasureAsync(int mbps, int seconds, int? changeTo)
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    var port = ((IPEndPoint)listener.LocalEndpoint).Port;
    using var limiters = new GatewayLimiters();
    var network = new GatewayNetwork(limiters, NullLogger<GatewayNetwork>.Instance);
    // 203.0.113.0/24 is documentation space: not on this host, so the connection is throttled but not bound.
    var gateway = new Gateway { Id = "dbsgw-benchmrk", Name = "bench", PublicIp = "203.0.113.10", BandwidthMbps = mbps, ProjectGroupId = "pg" };
    var route = network.RouteFor(gateway);

    long received = 0;
    using var stop = new CancellationTokenSource();
    var accept = listener.AcceptTcpClientAsync();
    await using var upstream = await network.ConnectAsync(route, "127.0.0.1", port, CancellationToken.None);
    using var server = await accept;
    var reader = Task.Run(async () =>
    {
        var buffer = new byte[256 * 1024];
        var stream = server.GetStream();
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
            Interlocked.Add(ref received, read);
    });
    var writer = Task.Run(async () =>
    {
        var chunk = new byte[64 * 1024];
        try
        {
            while (!stop.IsCancellationRequested)
                await upstream.WriteAsync(chunk, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    });

    await Task.Delay(TimeSpan.FromSeconds(1));
    var results = new List<double>();
    var halves = changeTo is null ? 1 : 2;
    for (var half = 0; half < halves; half++)
    {
        if (half == 1)
            limiters.SetRate(gateway.Id, changeTo!.Value);
        var start = Interlocked.Read(ref received);
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(changeTo is null ? seconds : seconds / 2.0));
        var bytes = Interlocked.Read(ref received) - start;
        results.Add(bytes * 8 / clock.Elapsed.TotalSeconds / 1_000_000);
    }
    await stop.CancelAsync();
    await writer;
    upstream.Dispose();
    await reader;
    return results.ToArray();
}
