namespace BackupConsole.Tests.Support;

/// <summary>Keeps every progress line an engine reports, in order, from any thread.</summary>
internal sealed class CollectingProgress : IProgress<string>
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return _lines.ToList();
        }
    }

    public void Report(string value)
    {
        lock (_lines)
            _lines.Add(value);
    }
}
