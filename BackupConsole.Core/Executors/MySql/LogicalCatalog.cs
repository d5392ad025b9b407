namespace BackupConsole.Core.Executors.MySql;

/// <summary>
/// What a logical MySQL backup holds, stored as <c>catalog.json</c> in the set: per database its DDL and, per table,
/// the data chunk objects and how each column was encoded.
/// </summary>
public sealed record LogicalCatalog(IReadOnlyList<DatabaseEntry> Databases);

public sealed record DatabaseEntry(
    string Name,
    string CharacterSet,
    string Collation,
    IReadOnlyList<TableEntry> Tables,
    IReadOnlyList<SchemaObject> Views,
    IReadOnlyList<SchemaObject> Triggers,
    IReadOnlyList<SchemaObject> Routines,
    IReadOnlyList<SchemaObject> Events);

public sealed record TableEntry(string Name, string CreateSql, IReadOnlyList<ColumnEntry> Columns, long Rows, IReadOnlyList<string> Chunks);

/// <param name="Hex">Stored as hex text and loaded through UNHEX (binary strings, BIT, spatial).</param>
public sealed record ColumnEntry(string Name, bool Hex);

/// <summary>A view, trigger, routine or event: its name and the statement that recreates it.</summary>
public sealed record SchemaObject(string Name, string CreateSql);
