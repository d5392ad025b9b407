using BackupConsole.Core.Common;

namespace BackupConsole.Components.Shared;

/// <summary>Field errors from Core, looked up by the field they belong to.</summary>
public sealed class FormErrors
{
    private IReadOnlyList<FieldError> _errors = [];

    public void Set(IReadOnlyList<FieldError> errors) => _errors = errors;

    public void Clear() => _errors = [];

    public bool Has(string field) => _errors.Any(e => e.Field == field);

    /// <summary>All messages of the field, joined; null when it has none.</summary>
    public string? For(string field)
    {
        var messages = _errors.Where(e => e.Field == field).Select(e => e.Message).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }
}
