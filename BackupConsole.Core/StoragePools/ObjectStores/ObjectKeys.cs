namespace BackupConsole.Core.StoragePools.ObjectStores;

/// <summary>What an object key may be: relative, '/'-separated, no empty, '.' or '..' segment, no NUL or backslash.</summary>
public static class ObjectKeys
{
    public const int MaxLength = 1024;

    public static bool IsValid(string key) =>
        key.Length is > 0 and <= MaxLength
        && !key.StartsWith('/')
        && !key.Contains('\0') && !key.Contains('\\')
        && key.Split('/').All(segment => segment.Length > 0 && segment != "." && segment != "..");

    public static string Require(string key) =>
        IsValid(key) ? key : throw new ArgumentException($"'{key}' is not a valid object key.", nameof(key));
}
