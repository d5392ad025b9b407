using MySqlConnector;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>
/// The hot-backup program that matches the server: mariabackup/mbstream for MariaDB, xtrabackup/xbstream for MySQL 8
/// (Percona's tool; the two take the same options for what this console uses).
/// </summary>
public sealed record PhysicalTool(string Backup, string Extract)
{
    public static readonly PhysicalTool MariaBackup = new("mariabackup", "mbstream");
    public static readonly PhysicalTool XtraBackup = new("xtrabackup", "xbstream");

    /// <summary>The tool named in a manifest's <c>tool</c> property (sets written before it existed are mariabackup's).</summary>
    public static PhysicalTool Named(string? name) => name == XtraBackup.Backup ? XtraBackup : MariaBackup;

    public static async Task<PhysicalTool> ForServerAsync(MySqlConnection connection, CancellationToken ct)
    {
        await using var command = new MySqlCommand("SELECT VERSION()", connection);
        var version = (await command.ExecuteScalarAsync(ct))?.ToString() ?? "";
        return version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase) ? MariaBackup : XtraBackup;
    }

    /// <summary>MariaDB prepares a base once and applies deltas to it; xtrabackup must not roll back before the last delta.</summary>
    public bool NeedsApplyLogOnly => this == XtraBackup;
}
