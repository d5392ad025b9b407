using BackupConsole.Cli;

namespace BackupConsole.Tests.Cli;

/// <summary>Runs one command line in-process and captures what it printed.</summary>
internal static class CommandLineRun
{
    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await OperatorCommandLine.RunAsync(args, output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }
}
