using System.Diagnostics;
using System.Net.Sockets;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>Starts a MariaDB server on a restored data directory ("create instance from backup data", R-PLAN-5).</summary>
public static class MariaDbServerProcess
{
    /// <summary>Starts <c>mariadbd</c> on 127.0.0.1:<paramref name="port"/> and waits until it accepts connections.</summary>
    /// <returns>The server's process id; it keeps running after this call (and this process) ends.</returns>
    public static async Task<int> StartAsync(string dataDirectory, int port, CancellationToken ct)
    {
        var runAsMysql = Environment.UserName == "root";
        if (runAsMysql)
        {
            // mariadbd refuses to run as root; the restored files must belong to the account it runs as.
            await using var chown = ToolProcess.Start("chown", ["-R", "mysql:mysql", dataDirectory]);
            await chown.WaitForSuccessAsync("chown", ct);
        }
        var start = new ProcessStartInfo("mariadbd") { UseShellExecute = false };
        foreach (var argument in new[]
        {
            "--no-defaults", $"--datadir={dataDirectory}", $"--port={port}", "--bind-address=127.0.0.1",
            $"--socket={Path.Combine(dataDirectory, "mysqld.sock")}", $"--pid-file={Path.Combine(dataDirectory, "mysqld.pid")}",
            $"--log-error={Path.Combine(dataDirectory, "mysqld.err")}",
        }.Concat(runAsMysql ? ["--user=mysql"] : []))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("mariadbd did not start.");
        for (var attempt = 0; attempt < 240; attempt++)
        {
            if (process.HasExited)
                throw new MySqlBackupException($"mariadbd exited with {process.ExitCode}; see {Path.Combine(dataDirectory, "mysqld.err")}.");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, ct);
                return process.Id;
            }
            catch (SocketException)
            {
                await Task.Delay(250, ct);
            }
        }
        throw new MySqlBackupException($"mariadbd on port {port} did not accept connections within 60 s.");
    }
}
