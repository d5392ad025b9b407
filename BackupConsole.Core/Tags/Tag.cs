namespace BackupConsole.Core.Tags;

/// <summary>A tag as users enter and read it.</summary>
public sealed record Tag(string Key, string Value)
{
    public override string ToString() => Value.Length == 0 ? Key : $"{Key}={Value}";
}
