using System.Globalization;
using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.Executors.Objects;

/// <summary>
/// Object-storage snapshot (R-SCOPE-1): every object under a bucket and prefix with its key, size, ETag, content type,
/// user metadata and last-modified time, its content stored as content-addressed blobs of 8 MiB parts. Objects whose
/// key, size, ETag and time match the previous snapshot are not read again, and parts already in the pool are not
/// uploaded again. Objects transfer in parallel (bounded); each streams part by part.
/// </summary>
public sealed class ObjectSnapshotBackup(ILogger<ObjectSnapshotBackup> logger)
{
    public const string IndexObject = "objects.jsonl";

    /// <summary>Objects read at once.</summary>
    public const int Parallel = 8;

    /// <summary>Runs between the listing and the reads: lets a test change the bucket exactly there.</summary>
    internal Func<Task>? AfterList { get; init; }

    public async Task<IReadOnlyDictionary<string, string>> RunAsync(
        ObjectStorageBucket source, BackupRepository repository, BackupManifest? previous, BackupSetWriter set, IProgress<string>? progress, CancellationToken ct)
    {
        await set.MarkRunningAsync(ct);
        await using var blobs = new BlobStore(repository);
        await blobs.LoadKnownAsync(repository, ct);
        var earlier = previous is not null && previous.Properties.GetValueOrDefault("blobSuffix") == blobs.Suffix
            ? (await SnapshotIndex.ReadAsync<ObjectEntry>(repository, previous, IndexObject, repository.Options.Encryption, ct)).ToDictionary(e => e.Key, StringComparer.Ordinal)
            : [];

        progress?.Report($"listing {source.Description}");
        var entries = new List<ObjectEntry>();
        await foreach (var entry in source.ListAsync(ct))
            entries.Add(entry);
        var toRead = new List<int>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (earlier.TryGetValue(entries[i].Key, out var before) && entries[i].Unchanged(before))
                entries[i] = entries[i] with { ContentType = before.ContentType, Metadata = before.Metadata, Parts = before.Parts };
            else
                toRead.Add(i);
        }
        if (AfterList is not null)
            await AfterList();
        progress?.Report($"{entries.Count} objects; {toRead.Count} to read, {entries.Count - toRead.Count} unchanged since {previous?.BackupId ?? "(no earlier snapshot)"}");

        long readBytes = 0;
        var vanished = new System.Collections.Concurrent.ConcurrentBag<string>();
        await System.Threading.Tasks.Parallel.ForEachAsync(toRead.OrderByDescending(i => entries[i].Size),
            new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = ct }, async (index, token) =>
            {
                var parts = new List<string>();
                long size = 0;
                string? contentType;
                Dictionary<string, string> metadata;
                try
                {
                    (contentType, metadata) = await source.ReadAsync(entries[index].Key, async part =>
                    {
                        parts.Add(await blobs.PutAsync(part, token));
                        size += part.Length;
                    }, token);
                }
                catch (ObjectVanishedException)
                {
                    // Deleted since the listing: not in the snapshot, and said so.
                    vanished.Add(entries[index].Key);
                    progress?.Report($"warning: skipped {entries[index].Key}: deleted while the snapshot ran");
                    return;
                }
                entries[index] = entries[index] with { ContentType = contentType, Metadata = metadata.Count > 0 ? metadata : null, Parts = parts, Size = size };
                Interlocked.Add(ref readBytes, size);
            });

        var gone = vanished.ToHashSet(StringComparer.Ordinal);
        entries.RemoveAll(e => gone.Contains(e.Key));
        await SnapshotIndex.WriteAsync(set, blobs, IndexObject, entries, e => e.Parts, ct);
        logger.LogInformation("Object snapshot of {Source}: {Objects} objects, {Read} bytes read, {Uploaded} new blobs", source.Description, entries.Count, readBytes, blobs.UploadedBlobs);
        progress?.Report($"read {readBytes} bytes; uploaded {blobs.UploadedBlobs} new parts ({blobs.UploadedBytes} bytes stored)");
        return new Dictionary<string, string>
        {
            ["source"] = source.Description,
            ["blobSuffix"] = blobs.Suffix,
            ["objects"] = Text(entries.Count),
            ["bytes"] = Text(entries.Sum(e => e.Size)),
            ["objectsRead"] = Text(toRead.Count),
            ["bytesRead"] = Text(readBytes),
            ["objectsUnchanged"] = Text(entries.Count - toRead.Count),
            ["uploadedBlobs"] = Text(blobs.UploadedBlobs),
            ["uploadedBytes"] = Text(blobs.UploadedBytes),
            ["skipped"] = string.Join("\n", gone.Order(StringComparer.Ordinal)),
        };
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
