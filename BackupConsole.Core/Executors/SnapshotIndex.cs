using System.Text;
using System.Text.Json;
using BackupConsole.Core.StoragePools.Repository;

namespace BackupConsole.Core.Executors;

/// <summary>
/// The index of a snapshot built of shared blobs: its entries as JSON lines (<c>files.jsonl</c>, <c>objects.jsonl</c>)
/// and <c>blobs.txt</c>, every blob id they reference, which verify and pruning read without knowing the entries.
/// </summary>
internal static class SnapshotIndex
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <remarks>Flushes <paramref name="blobs"/> first: every blob the entries name is in a durable, indexed pack before the set refers to it.</remarks>
    public static async Task WriteAsync<T>(
        BackupSetWriter set, BlobStore blobs, string objectName, IReadOnlyList<T> entries, Func<T, IEnumerable<string>> blobsOf, CancellationToken ct)
    {
        await blobs.FlushAsync(ct);
        await using (var writer = await set.OpenObjectAsync(objectName, ct))
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
        var ids = entries.SelectMany(blobsOf).Distinct().Order(StringComparer.Ordinal);
        await using (var references = await set.OpenObjectAsync(BlobStore.ReferencesObject, ct))
        {
            await references.WriteAsync(Encoding.ASCII.GetBytes(string.Join("\n", ids)), ct);
            await references.CompleteAsync(ct);
        }
    }

    public static async Task<List<T>> ReadAsync<T>(
        BackupRepository repository, BackupManifest manifest, string objectName, EncryptionKey? key, CancellationToken ct)
    {
        var entries = new List<T>();
        await using var stream = await repository.OpenObjectAsync(manifest, objectName, key, ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length > 0)
                entries.Add(JsonSerializer.Deserialize<T>(line, Json) ?? throw new InvalidDataException($"Backup {manifest.BackupId} has an empty entry."));
        }
        return entries;
    }
}
