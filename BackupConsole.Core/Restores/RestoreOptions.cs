namespace BackupConsole.Core.Restores;

/// <summary>Restore settings, bound from the "Restores" section.</summary>
public sealed class RestoreOptions
{
    public const string Section = "Restores";

    /// <summary>
    /// Directories under which tenants may restore data directories and file-storage snapshots (absolute, or
    /// relative to the working directory). Empty means "{Data:Directory}/restores". A target must be new or empty.
    /// </summary>
    public List<string> DirectoryRoots { get; set; } = [];

    /// <summary>How often a running restore's counters are written to the database (the UI reads live ones directly).</summary>
    public int ProgressSaveSeconds { get; set; } = 2;
}
