using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackupConsole.Core.Data;

/// <summary>
/// EF's bulk delete (<c>ExecuteDelete</c>) comes out of the MySQL provider as <c>DELETE FROM `T` AS `t` WHERE …</c>,
/// which MySQL 8 accepts and MariaDB (before 11.6) refuses. The multi-table form <c>DELETE `t` FROM `T` AS `t`
/// WHERE …</c> means the same on both, so that is what is sent.
/// </summary>
internal sealed partial class MariaDbDeleteInterceptor : DbCommandInterceptor
{
    public static readonly MariaDbDeleteInterceptor Instance = new();

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Rewrite(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Rewrite(command);
        return ValueTask.FromResult(result);
    }

    internal static void Rewrite(DbCommand command) =>
        command.CommandText = AliasedDelete().Replace(command.CommandText, "DELETE ${alias} FROM ${table} AS ${alias}");

    [GeneratedRegex(@"^DELETE FROM (?<table>`[^`]+`) AS (?<alias>`[^`]+`)", RegexOptions.Multiline)]
    private static partial Regex AliasedDelete();
}
