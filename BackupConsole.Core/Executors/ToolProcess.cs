using System.Diagnostics;
using System.Text;

namespace BackupConsole.Core.Executors;

/// <summary>
/// Runs an external tool (mariabackup, mbstream, mariadbd) with an argument list — never through a shell — streaming
/// its stdin/stdout and keeping the tail of stderr for the error message.
/// </summary>
public sealed class ToolProcess : IAsyncDisposable
{
    private const int StderrLines = 20;
    private readonly Process _process;
    private readonly Queue<string> _stderr = new();
    private readonly Task _stderrPump;

    private ToolProcess(Process process)
    {
        _process = process;
        _stderrPump = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_stderr)
                {
                    _stderr.Enqueue(line);
                    if (_stderr.Count > StderrLines)
                        _stderr.Dequeue();
                }
            }
        });
    }

    public Stream StandardOutput => _process.StandardOutput.BaseStream;

    public Stream StandardInput => _process.StandardInput.BaseStream;

    /// <summary>Whether <paramref name="program"/> is an executable file in one of the PATH directories.</summary>
    public static bool IsOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(directory => File.Exists(Path.Combine(directory, program)));

    public static ToolProcess Start(string program, IEnumerable<string> arguments, bool redirectInput = false)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        try
        {
            return new ToolProcess(Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start."));
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{program} is not installed on this host ({ex.Message}).", ex);
        }
    }

    /// <summary>Waits for the exit; a non-zero exit throws with the tool's last stderr lines.</summary>
    public async Task WaitForSuccessAsync(string what, CancellationToken ct)
    {
        await _process.WaitForExitAsync(ct);
        await _stderrPump;
        if (_process.ExitCode != 0)
            throw new InvalidOperationException($"{what} failed (exit {_process.ExitCode}): {StderrTail()}");
    }

    public string StderrTail()
    {
        lock (_stderr)
            return string.Join(" | ", _stderr.Where(l => l.Length > 0).TakeLast(5));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
