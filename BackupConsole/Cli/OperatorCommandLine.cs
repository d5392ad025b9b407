using System.CommandLine;

namespace BackupConsole.Cli;

/// <summary>
/// The operator's command line: <c>BackupConsole VERB …</c> runs one verb on the same engine as the UI;
/// without a verb the executable serves the console.
/// </summary>
public static class OperatorCommandLine
{
    private static readonly string[] Verbs = ["backup", "restore", "list", "verify"];

    public static bool IsInvocation(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        var root = new RootCommand("BackupConsole: the backup service console. Without a verb it serves the web console.")
        {
            BackupCommand.Create(output, error),
            RestoreCommand.Create(output, error),
            ListCommand.Create(output),
            VerifyCommand.Create(output, error),
        };
        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, ct);
    }
}
