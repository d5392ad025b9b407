using System.Text.RegularExpressions;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>Quoting and DDL rewriting shared by logical backup and restore.</summary>
public static partial class MySqlNames
{
    public static string Quote(string identifier) => "`" + identifier.Replace("`", "``") + "`";

    /// <summary>Restores run as the restoring user: a DEFINER of the source server may not exist on the target.</summary>
    public static string WithoutDefiner(string ddl) => Definer().Replace(ddl, "");

    /// <summary>Points references qualified with the original database at the database restored into.</summary>
    public static string Requalify(string ddl, string from, string to) =>
        from == to ? ddl : ddl.Replace(Quote(from) + ".", Quote(to) + ".", StringComparison.Ordinal);

    [GeneratedRegex(@"DEFINER=(`[^`]*`|'[^']*'|[^\s@]+)@(`[^`]*`|'[^']*'|[^\s]+)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex Definer();
}
