using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using BackupConsole.Tests.Support;

namespace BackupConsole.Tests.Browser;

/// <summary>The real console as an operator runs it: its own process on a free 127.0.0.1 port with a throwaway data directory.</summary>
public sealed partial class RunningConsole : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RunningConsole(Process process, Uri baseUrl, string dataDirectory)
    {
        _process = process;
        BaseUrl = baseUrl;
        DataDirectory = dataDirectory;
    }

    public Uri BaseUrl { get; }

    public string DataDirectory { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <param name="adminPassword">Null: no configured password, so the console generates and prints one.</param>
    /// <param name="settings">Extra configuration as environment variables (Section__Key = value).</param>
    /// <param name="dataDirectory">An existing data directory to start over (a restart); null for a new one.</param>
    public static async Task<RunningConsole> StartAsync(
        string? adminPassword, CancellationToken ct, IReadOnlyDictionary<string, string>? settings = null, string? dataDirectory = null)
    {
        if (!File.Exists(RepositoryPaths.AppAssembly))
            throw new FileNotFoundException("Build the solution first; the app is missing.", RepositoryPaths.AppAssembly);

        var port = FreePorts.Next();
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "bc-app-" + Guid.NewGuid().ToString("N")[..12]);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryPaths.AppProjectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepositoryPaths.AppAssembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        // Development serves the static web assets from the build output, as `dotnet run` does.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Data__Directory"] = dataDirectory;
        start.Environment["Admin__Password"] = adminPassword ?? "";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var console = new RunningConsole(process, new Uri($"http://127.0.0.1:{port}/"), dataDirectory);
        process.OutputDataReceived += (_, e) => console.Append(e.Data);
        process.ErrorDataReceived += (_, e) => console.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await console.WaitUntilServingAsync(ct);
        return console;
    }

    /// <summary>The one-time administrator password the first run printed to the log.</summary>
    public string PrintedAdminPassword()
    {
        var match = OneTimePassword().Match(Output);
        Assert.True(match.Success, "No one-time password in the console's output:\n" + Output);
        return match.Groups[1].Value;
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    private async Task WaitUntilServingAsync(CancellationToken ct)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The console exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var response = await http.GetAsync(new Uri(BaseUrl, "Account/Login"), ct);
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(250, ct);
        }
        throw new TimeoutException("The console did not serve the sign-in page within 90 s:\n" + Output);
    }

    /// <summary>SIGKILL, as an out-of-memory killer or a pulled plug would: nothing runs after it. The data directory stays.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (Directory.Exists(DataDirectory))
            Directory.Delete(DataDirectory, recursive: true);
    }

    [GeneratedRegex(@"one-time password (\S+) ")]
    private static partial Regex OneTimePassword();
}
