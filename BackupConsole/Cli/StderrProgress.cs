namespace BackupConsole.Cli;

/// <summary>Progress lines straight to stderr, in order (Progress&lt;T&gt; would post them to the thread pool).</summary>
internal sealed class StderrProgress(TextWriter error) : IProgress<string>
{
    public void Report(string value)
    {
        lock (error)
            error.WriteLine(value);
    }
}
