using System.Globalization;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>
/// The LSN range of a physical or incremental backup, read from the <c>xtrabackup_checkpoints</c> file the tool writes
/// into <c>--extra-lsndir</c>; an incremental starts at its parent's <see cref="ToLsn"/>.
/// </summary>
public sealed record LsnCheckpoints(string BackupType, ulong FromLsn, ulong ToLsn)
{
    public const string FileName = "xtrabackup_checkpoints";
    public const string FromProperty = "fromLsn";
    public const string ToProperty = "toLsn";

    public static LsnCheckpoints Parse(string text)
    {
        var values = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1]);
        if (!values.TryGetValue("from_lsn", out var from) || !values.TryGetValue("to_lsn", out var to)
            || !ulong.TryParse(from, CultureInfo.InvariantCulture, out var fromLsn) || !ulong.TryParse(to, CultureInfo.InvariantCulture, out var toLsn))
            throw new MySqlBackupException($"The backup tool wrote no LSN range ({FileName}: '{text.ReplaceLineEndings(" ")}').");
        return new LsnCheckpoints(values.GetValueOrDefault("backup_type", ""), fromLsn, toLsn);
    }

    /// <summary>The range recorded in a manifest, or null for sets that carry none.</summary>
    public static ulong? ToLsnOf(IReadOnlyDictionary<string, string> properties) =>
        properties.TryGetValue(ToProperty, out var text) && ulong.TryParse(text, CultureInfo.InvariantCulture, out var lsn) ? lsn : null;

    public static ulong? FromLsnOf(IReadOnlyDictionary<string, string> properties) =>
        properties.TryGetValue(FromProperty, out var text) && ulong.TryParse(text, CultureInfo.InvariantCulture, out var lsn) ? lsn : null;
}
