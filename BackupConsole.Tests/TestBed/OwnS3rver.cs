using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BackupConsole.Tests.TestBed;

/// <summary>An s3rver of the test's own, on its own port and data directory, that the test may stop and start again.</summary>
public sealed class OwnS3rver : IAsyncDisposable
{
    private readonly S3Service _shared;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "bc-s3rver-" + Guid.NewGuid().ToString("N")[..8]);
    private Process? _process;

    private readonly (string Key, string Certificate)? _tls;

    private OwnS3rver(S3Service shared, int port, (string Key, string Certificate)? tls)
    {
        _shared = shared;
        Port = port;
        _tls = tls;
    }

    public int Port { get; }

    /// <summary>Every file the server keeps (objects and their metadata), to watch an upload arrive.</summary>
    public IEnumerable<string> Files => Directory.Exists(_dataDirectory) ? Directory.EnumerateFiles(_dataDirectory, "*", SearchOption.AllDirectories) : [];

    public S3Service Service => _shared with { ServiceUrl = $"{(_tls is null ? "http" : "https")}://127.0.0.1:{Port}", DataDir = _dataDirectory };

    /// <param name="tls">PEM files of the server's private key and certificate, to serve https.</param>
    public static async Task<OwnS3rver> StartAsync(CancellationToken ct, (string Key, string Certificate)? tls = null)
    {
        var shared = TestServices.RequireS3();
        var port = Support.FreePorts.Next();
        var server = new OwnS3rver(shared, port, tls);
        await server.StartAgainAsync(ct);
        return server;
    }

    public async Task StartAgainAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(_dataDirectory);
        var start = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { _shared.Script, "-d", _dataDirectory, "-a", "127.0.0.1", "-p", Port.ToString(), "--silent" })
            start.ArgumentList.Add(arg);
        if (_tls is { } tls)
        {
            foreach (var arg in new[] { "--key", tls.Key, "--cert", tls.Certificate })
                start.ArgumentList.Add(arg);
        }
        start.Environment["NODE_OPTIONS"] = "--openssl-legacy-provider";
        _process = Process.Start(start)!;
        for (var i = 0; i < 120; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port, ct);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, ct);
            }
        }
        throw new TimeoutException($"s3rver on port {Port} did not start: {await _process.StandardError.ReadToEndAsync(ct)}");
    }

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

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (Directory.Exists(_dataDirectory))
            Directory.Delete(_dataDirectory, recursive: true);
    }
}
