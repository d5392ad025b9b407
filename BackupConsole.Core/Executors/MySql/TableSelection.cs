namespace BackupConsole.Core.Executors.MySql;

/// <summary>
/// Which databases and tables a MySQL backup takes (R-PLAN-2): <c>db1,db2.table1</c>; empty means every user database.
/// </summary>
public sealed class TableSelection
{
    private static readonly HashSet<string> SystemDatabases = new(StringComparer.OrdinalIgnoreCase)
        { "mysql", "information_schema", "performance_schema", "sys" };

    private readonly Dictionary<string, HashSet<string>?> _byDatabase = new(StringComparer.Ordinal);

    public static TableSelection Everything { get; } = new();

    public bool IsEverything => _byDatabase.Count == 0;

    public IReadOnlyCollection<string> Databases => _byDatabase.Keys;

    public static TableSelection Parse(string? include)
    {
        var selection = new TableSelection();
        foreach (var item in (include ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dot = item.IndexOf('.');
            var database = dot < 0 ? item : item[..dot];
            var table = dot < 0 ? null : item[(dot + 1)..];
            if (database.Length == 0 || table is { Length: 0 })
                throw new FormatException($"'{item}' is not db or db.table.");
            if (table is null)
                selection._byDatabase[database] = null;
            else if (!selection._byDatabase.TryGetValue(database, out var tables) || tables is not null)
                (selection._byDatabase[database] = tables ?? new HashSet<string>(StringComparer.Ordinal)).Add(table);
        }
        return selection;
    }

    public static bool IsSystemDatabase(string name) => SystemDatabases.Contains(name);

    public bool IncludesDatabase(string database) => IsEverything ? !IsSystemDatabase(database) : _byDatabase.ContainsKey(database);

    public bool IncludesTable(string database, string table) =>
        IsEverything ? !IsSystemDatabase(database) : _byDatabase.TryGetValue(database, out var tables) && (tables is null || tables.Contains(table));

    /// <summary>Tables named explicitly, for the "unknown table" check.</summary>
    public IEnumerable<(string Database, string Table)> NamedTables =>
        _byDatabase.Where(p => p.Value is not null).SelectMany(p => p.Value!.Select(t => (p.Key, t)));

    /// <summary>The selection in <c>--include</c> form, ordered, so two equal selections print the same; "" is everything.</summary>
    public override string ToString() => string.Join(",", _byDatabase.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p =>
        p.Value is null ? [p.Key] : p.Value.Order(StringComparer.Ordinal).Select(t => $"{p.Key}.{t}")));
}
