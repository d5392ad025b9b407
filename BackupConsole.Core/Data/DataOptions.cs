using System.ComponentModel.DataAnnotations;

namespace BackupConsole.Core.Data;

/// <summary>Where the console keeps its state, bound from the "Data" section.</summary>
public sealed class DataOptions
{
    public const string Section = "Data";

    /// <summary>Holds the SQLite database, the Data Protection key ring and the embedded object store; relative paths start at the working directory.</summary>
    [Required]
    public string Directory { get; set; } = "./data";

    public string FullDirectory => Path.GetFullPath(Directory);

    public string KeyRingDirectory => Path.Combine(FullDirectory, "keys");
}
