using System.Text.Json.Serialization;

namespace BackupConsole.Core.Executors.Files;

/// <summary>
/// One entry of a file-storage snapshot (a line of <c>files.jsonl</c>, in depth-first, bytewise order). Paths and
/// link targets are base64 of their bytes: names are not assumed to be UTF-8.
/// </summary>
public sealed record FileEntry
{
    /// <summary>The set object that holds the entries.</summary>
    public const string IndexObject = "files.jsonl";

    public const string File = "file";
    public const string Directory = "dir";
    public const string Symlink = "symlink";
    public const string HardLink = "hardlink";

    /// <summary>Relative to the snapshot's root, '/'-separated, base64 of the bytes.</summary>
    [JsonPropertyName("p")]
    public required string Path { get; init; }

    [JsonPropertyName("t")]
    public required string Type { get; init; }

    [JsonPropertyName("m")]
    public uint Mode { get; init; }

    [JsonPropertyName("u")]
    public uint Uid { get; init; }

    [JsonPropertyName("g")]
    public uint Gid { get; init; }

    [JsonPropertyName("s")]
    public long Size { get; init; }

    [JsonPropertyName("ms")]
    public long MtimeSeconds { get; init; }

    [JsonPropertyName("mn")]
    public long MtimeNanoseconds { get; init; }

    /// <summary>With <see cref="Device"/>, what tells an unchanged file from the previous snapshot without reading it.</summary>
    [JsonPropertyName("i")]
    public ulong Inode { get; init; }

    [JsonPropertyName("d")]
    public ulong Device { get; init; }

    /// <summary>Files: the blob ids of the content, in order.</summary>
    [JsonPropertyName("c")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Chunks { get; init; }

    /// <summary>Symlinks: the link's text (base64); hard links: the path of the file it shares content with (base64).</summary>
    [JsonPropertyName("l")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Target { get; init; }

    public bool SameFileAs(FileEntry other) =>
        other.Type == File && Size == other.Size && MtimeSeconds == other.MtimeSeconds && MtimeNanoseconds == other.MtimeNanoseconds
        && Inode == other.Inode && Device == other.Device;
}
