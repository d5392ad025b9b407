using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace BackupConsole.Tests.TestBed;

/// <summary>
/// A redis-server of the test's own (the test bed installs the binary), on its own port with its own password, so a
/// test may use every logical database, add ACL users and restart it without disturbing others.
/// </summary>
public sealed class OwnRedis : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bc-redis-" + Guid.NewGuid().ToString("N")[..8]);
    private Process? _process;

    private OwnRedis(int port) => Port = port;

    public int Port { get; }

    public string Password { get; } = "pw-" + Guid.NewGuid().ToString("N")[..12];

    public RedisService Service => new("127.0.0.1", Port, Password);

    public static async Task<OwnRedis> StartAsync(CancellationToken ct)
    {
        TestServices.RequireRedis();
        var port = Support.FreePorts.Next();
        var redis = new OwnRedis(port);
        Directory.CreateDirectory(redis._directory);
        await redis.LaunchAsync(ct);
        return redis;
    }

    /// <summary>Stops the server (an instance going offline); <see cref="StartAgainAsync"/> brings it back on the same port.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    public Task StartAgainAsync(CancellationToken ct) => LaunchAsync(ct);

    private async Task LaunchAsync(CancellationToken ct)
    {
        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _directory, "--save", "", "--appendonly", "no", "--requirepass", Password })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        for (var i = 0; i < 100; i++)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync(Service.Options());
                return;
            }
            catch (RedisConnectionException)
            {
                await Task.Delay(100, ct);
            }
        }
        throw new TimeoutException($"redis-server on port {Port} did not start.");
    }

    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(Service.Options());

    public string Uri(int? database = null) => $"redis://:{Password}@127.0.0.1:{Port}" + (database is { } db ? $"/{db}" : "");

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}
