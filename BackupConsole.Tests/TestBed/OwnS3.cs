using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BackupConsole.Tests.TestBed;

/// <summary>An s3rver of the test's own (the test bed installs it), on its own port and directory, so a test may stop and restart it.</summary>
public sealed class OwnS3 : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bc-s3-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _script;
    private Process? _process;

    private OwnS3(int port, string script)
    {
        Port = port;
        _script = script;
    }

    public int Port { get; }

    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Every file the server holds, for a test to see that uploads have begun.</summary>
    public IEnumerable<string> Files => Directory.Exists(_directory) ? Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories) : [];

    public static async Task<OwnS3> StartAsync(CancellationToken ct)
    {
        var shared = TestServices.RequireS3();
        var s3 = new OwnS3(Support.FreePorts.Next(), shared.Script);
        Directory.CreateDirectory(s3._directory);
        await s3.StartAgainAsync(ct);
        return s3;
    }

    /// <summary>Kills the server as a crash would; <see cref="StartAgainAsync"/> brings it back with the same data.</summary>
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

    public async Task StartAgainAsync(CancellationToken ct)
    {
        var start = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { _script, "-d", _directory, "-a", "127.0.0.1", "-p", Port.ToString(), "--silent" })
            start.ArgumentList.Add(arg);
        // s3rver's paging tokens use DES, which Node 17+ disables unless asked.
        start.Environment["NODE_OPTIONS"] = "--openssl-legacy-provider";
        _process = Process.Start(start)!;
        for (var i = 0; i < 150; i++)
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
        throw new TimeoutException($"s3rver on port {Port} did not start.");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}
