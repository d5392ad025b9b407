using System.Diagnostics;
using BackupConsole.Core.Executors.MySql;
using MySqlConnector;

namespace BackupConsole.Tests.TestBed;

/// <summary>
/// A MariaDB server of the test's own, on a fresh data directory and its own port (the test bed installs the
/// binaries), so a test may stop and restart it under a running backup without disturbing the shared server.
/// </summary>
public sealed class OwnMariaDb : IAsyncDisposable
{
    public const string User = "backup";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bc-mariadb-" + Guid.NewGuid().ToString("N")[..8]);
    private int? _pid;

    private OwnMariaDb(int port) => Port = port;

    public int Port { get; }

    public string Password { get; } = "pw-" + Guid.NewGuid().ToString("N")[..12];

    private string DataDirectory => Path.Combine(_directory, "data");

    public static async Task<OwnMariaDb> StartAsync(CancellationToken ct)
    {
        TestServices.RequireMariaDb();
        var server = new OwnMariaDb(Support.FreePorts.Next());
        Directory.CreateDirectory(server.DataDirectory);
        // mariadbd runs as mysql when the tests run as root: it must reach the directory.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(server._directory, (UnixFileMode)0b111_101_101);
        if (Environment.UserName == "root")
            await RunAsync("chown", ct, "-R", "mysql:mysql", server.DataDirectory);
        string[] install = ["--no-defaults", $"--datadir={server.DataDirectory}", "--auth-root-authentication-method=normal", "--skip-test-db"];
        await RunAsync("mariadb-install-db", ct, Environment.UserName == "root" ? [.. install, "--user=mysql"] : install);
        server._pid = await MariaDbServerProcess.StartAsync(server.DataDirectory, server.Port, ct);
        // A user for the console, over the socket as root (no password yet on a fresh install).
        var socket = new MySqlConnectionStringBuilder { Server = Path.Combine(server.DataDirectory, "mysqld.sock"), ConnectionProtocol = MySqlConnectionProtocol.UnixSocket, UserID = "root" };
        await using var connection = new MySqlConnection(socket.ConnectionString);
        await connection.OpenAsync(ct);
        await using var grant = new MySqlCommand(
            $"CREATE USER '{User}'@'%' IDENTIFIED BY '{server.Password}'; GRANT ALL PRIVILEGES ON *.* TO '{User}'@'%'; " +
            $"CREATE USER '{User}'@'localhost' IDENTIFIED BY '{server.Password}'; GRANT ALL PRIVILEGES ON *.* TO '{User}'@'localhost';", connection);
        await grant.ExecuteNonQueryAsync(ct);
        return server;
    }

    public MySqlConnectionStringBuilder ConnectionString(string? database = null) =>
        new() { Server = "127.0.0.1", Port = (uint)Port, UserID = User, Password = Password, Database = database ?? "" };

    /// <summary>Stops the server the way an operator's restart does (SIGTERM: it closes every connection and shuts
    /// down cleanly), then starts it again on the same data directory and port.</summary>
    public async Task RestartAsync(CancellationToken ct)
    {
        await StopAsync();
        _pid = await MariaDbServerProcess.StartAsync(DataDirectory, Port, ct);
    }

    private async Task StopAsync()
    {
        if (_pid is not { } pid)
            return;
        _pid = null;
        using var process = TryGet(pid);
        if (process is null)
            return;
        await RunAsync("kill", CancellationToken.None, "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
    }

    private static Process? TryGet(int pid)
    {
        try
        {
            return Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return null; // It has already exited.
        }
    }

    private static async Task RunAsync(string program, CancellationToken ct, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}: {await output}{await error}");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}
