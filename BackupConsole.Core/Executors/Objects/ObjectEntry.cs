using System.Text.Json.Serialization;

namespace BackupConsole.Core.Executors.Objects;

/// <summary>One object of an object-storage snapshot (a line of <c>objects.jsonl</c>, in key order).</summary>
public sealed record ObjectEntry
{
    /// <summary>Relative to the snapshot's prefix.</summary>
    [JsonPropertyName("k")]
    public required string Key { get; init; }

    [JsonPropertyName("s")]
    public long Size { get; init; }

    [JsonPropertyName("e")]
    public string ETag { get; init; } = "";

    [JsonPropertyName("lm")]
    public DateTimeOffset LastModified { get; init; }

    [JsonPropertyName("ct")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ContentType { get; init; }

    /// <summary>User metadata (x-amz-meta-*), names without the prefix.</summary>
    [JsonPropertyName("md")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The content as blob ids of consecutive parts of <see cref="ObjectStorageBucket.PartSize"/> bytes.</summary>
    [JsonPropertyName("c")]
    public IReadOnlyList<string> Parts { get; init; } = [];

    /// <summary>Same key, size, ETag and time as in the previous snapshot: not read again.</summary>
    public bool Unchanged(ObjectEntry before) =>
        Key == before.Key && Size == before.Size && ETag == before.ETag && LastModified == before.LastModified;
}
