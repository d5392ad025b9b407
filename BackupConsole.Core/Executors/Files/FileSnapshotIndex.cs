using System.Text;
using System.Text.Json;
using BackupConsole.Core.StoragePools.Repository;

namespace BackupConsole.Core.Executors.Files;

/// <summary>Writes and reads <c>files.jsonl</c> and <c>blobs.txt</c>, the two objects of a file-storage snapshot set.</summary>
internal static class FileSnapshotIndex
{
    public const string EntriesObject = "files.jsonl";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task WriteAsync(BackupSetWriter set, IReadOnlyList<FileEntry> entries, CancellationToken ct)
    {
        await using (var writer = await set.OpenObjectAsync(EntriesObject, ct))
        {
            var buffer = new MemoryStream();
            foreach (var entry in entries)
            {
                JsonSerializer.Serialize(buffer, entry, Json);
                buffer.WriteByte((byte)'\n');
                if (buffer.Length >= 1 << 20)
                {
                    await writer.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
                    buffer.SetLength(0);
                }
            }
            await writer.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
            await writer.CompleteAsync(ct);
        }
        var ids = entries.Where(e => e.Chunks is not null).SelectMany(e => e.Chunks!).Distinct().Order(StringComparer.Ordinal);
        await using (var references = await set.OpenObjectAsync(BlobStore.ReferencesObject, ct))
        {
            await references.WriteAsync(Encoding.ASCII.GetBytes(string.Join("\n", ids)), ct);
            await references.CompleteAsync(ct);
        }
    }

    public static async Task<List<FileEntry>> ReadAsync(BackupRepository repository, BackupManifest manifest, EncryptionKey? key, CancellationToken ct)
    {
        var entries = new List<FileEntry>();
        await using var stream = await repository.OpenObjectAsync(manifest, EntriesObject, key, ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length > 0)
                entries.Add(JsonSerializer.Deserialize<FileEntry>(line, Json) ?? throw new InvalidDataException($"Backup {manifest.BackupId} has an empty entry."));
        }
        return entries;
    }
}
