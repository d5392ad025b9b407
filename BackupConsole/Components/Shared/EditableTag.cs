using BackupConsole.Core.Tags;

namespace BackupConsole.Components.Shared;

/// <summary>A tag row being edited in a dialog.</summary>
public sealed class EditableTag
{
    public string Key { get; set; } = "";

    public string Value { get; set; } = "";

    /// <summary>Rows left completely empty are dropped rather than reported.</summary>
    public static IReadOnlyList<Tag> ToTags(IEnumerable<EditableTag> rows) =>
        rows.Where(r => r.Key.Length > 0 || r.Value.Length > 0).Select(r => new Tag(r.Key, r.Value)).ToList();
}
