using BackupConsole.Core.Common;
using BackupConsole.Core.Localization;
using Microsoft.Extensions.Localization;

namespace BackupConsole.Core.Tags;

/// <summary>What a resource's tag set must satisfy before it is stored.</summary>
public sealed class TagRules(IStringLocalizer<CoreText> text)
{
    public const int MaxTagsPerResource = 20;
    public const int MaxKeyLength = 64;
    public const int MaxValueLength = 128;

    public IReadOnlyList<FieldError> Validate(IReadOnlyCollection<Tag> tags, string field = "Tags")
    {
        var errors = new List<FieldError>();
        if (tags.Count > MaxTagsPerResource)
            errors.Add(new(field, text["Tags.TooMany", MaxTagsPerResource]));

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            var key = tag.Key.Trim();
            if (key.Length == 0)
                errors.Add(new(field, text["Tags.KeyRequired"]));
            else if (key.Length > MaxKeyLength)
                errors.Add(new(field, text["Tags.KeyTooLong", MaxKeyLength]));
            else if (!seen.Add(key))
                errors.Add(new(field, text["Tags.DuplicateKey", key]));

            if (tag.Value.Length > MaxValueLength)
                errors.Add(new(field, text["Tags.ValueTooLong", MaxValueLength]));
            if (tag.Key.Any(char.IsControl) || tag.Value.Any(char.IsControl))
                errors.Add(new(field, text["Tags.ControlCharacters"]));
        }
        return errors;
    }
}
