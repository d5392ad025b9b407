using System.Collections.Concurrent;
using System.Globalization;
using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.Executors.Files;

/// <summary>
/// File-storage snapshot (R-SCOPE-1): the tree under a directory (a mounted NFS/SMB share on this host) with mode,
/// owner, mtime, symlinks, empty directories and hard links; content cut into content-defined chunks stored once per
/// pool as blobs. A file whose size, mtime, inode and device match the previous snapshot is not read again. Devices,
/// sockets and FIFOs are skipped with a warning. Names are bytes throughout.
/// </summary>
public sealed class FileSnapshotBackup(ILogger<FileSnapshotBackup> logger)
{
    /// <summary>Files read at once: reading, chunking, hashing and compressing overlap across cores.</summary>
    public static int Parallel => Math.Clamp(Environment.ProcessorCount * 2, 2, 8);

    /// <summary>Runs between the walk and the reads: lets a test change the tree exactly there.</summary>
    internal Func<Task>? AfterWalk { get; init; }

    public async Task<IReadOnlyDictionary<string, string>> RunAsync(
        string root, BackupRepository repository, BackupManifest? previous, BackupSetWriter set, IProgress<string>? progress, CancellationToken ct)
    {
        Posix.Require();
        var rootBytes = Posix.PathBytes(Path.TrimEndingDirectorySeparator(root));
        if (Posix.LStat(rootBytes) is not { Kind: Posix.Kind.Directory })
            throw new BackupException($"{root} is not a directory on this host.");
        await set.MarkRunningAsync(ct);
        await using var blobs = new BlobStore(repository);
        await blobs.LoadKnownAsync(repository, ct);
        var earlier = previous is not null && previous.Properties.GetValueOrDefault("blobSuffix") == blobs.Suffix
            ? (await SnapshotIndex.ReadAsync<FileEntry>(repository, previous, FileEntry.IndexObject, repository.Options.Encryption, ct)).Where(e => e.Type == FileEntry.File).ToDictionary(e => e.Path)
            : [];

        progress?.Report($"scanning {root}");
        var walk = Walk(rootBytes, progress, ct);
        var entries = walk.Entries;
        var toRead = new List<int>();
        var reused = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Type != FileEntry.File)
                continue;
            if (earlier.TryGetValue(entries[i].Path, out var before) && entries[i].SameFileAs(before) && before.Chunks is not null)
            {
                entries[i] = entries[i] with { Chunks = before.Chunks };
                reused++;
            }
            else
            {
                toRead.Add(i);
            }
        }
        if (AfterWalk is not null)
            await AfterWalk();
        progress?.Report($"{entries.Count} entries; {toRead.Count} files to read, {reused} unchanged since {previous?.BackupId ?? "(no earlier snapshot)"}");

        long readBytes = 0;
        var unreadable = new ConcurrentBag<(int Index, string Reason)>();
        await System.Threading.Tasks.Parallel.ForEachAsync(toRead.OrderByDescending(i => entries[i].Size),
            new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = ct }, async (index, token) =>
            {
                var entry = entries[index];
                var path = Posix.Join(rootBytes, Convert.FromBase64String(entry.Path));
                var chunks = new List<string>();
                long size = 0;
                FileStream file;
                try
                {
                    file = Posix.OpenRead(path);
                }
                catch (IOException ex)
                {
                    // Deleted since the walk, or not readable by the console: left out, and said so.
                    unreadable.Add((index, ex.Message));
                    progress?.Report($"warning: skipped {ex.Message}");
                    return;
                }
                await using (file)
                {
                    using var chunker = new ContentChunker(file);
                    while (await chunker.NextAsync(token) is { Length: > 0 } chunk)
                    {
                        chunks.Add(await blobs.PutAsync(chunk, token));
                        size += chunk.Length;
                    }
                }
                // A file written while it was read is kept as read; its size says what was taken.
                entries[index] = entry with { Chunks = chunks, Size = size };
                Interlocked.Add(ref readBytes, size);
            });

        var gone = unreadable.Select(u => entries[u.Index].Path).ToHashSet(StringComparer.Ordinal);
        // Hard links to a file that could not be read share its inode: they go with it.
        entries.RemoveAll(e => gone.Contains(e.Path) || e.Type == FileEntry.HardLink && gone.Contains(e.Target!));
        walk.Skipped.AddRange(unreadable.Select(u => u.Reason));
        await SnapshotIndex.WriteAsync(set, blobs, FileEntry.IndexObject, entries, e => e.Chunks ?? [], ct);
        logger.LogInformation("File snapshot of {Root}: {Entries} entries, {Read} bytes read, {Uploaded} new blobs", root, entries.Count, readBytes, blobs.UploadedBlobs);
        progress?.Report($"read {readBytes} bytes; uploaded {blobs.UploadedBlobs} new chunks ({blobs.UploadedBytes} bytes stored)");
        return new Dictionary<string, string>
        {
            ["root"] = root,
            ["blobSuffix"] = blobs.Suffix,
            ["entries"] = Text(entries.Count),
            ["files"] = Text(entries.Count(e => e.Type == FileEntry.File)),
            ["bytes"] = Text(entries.Where(e => e.Type == FileEntry.File).Sum(e => e.Size)),
            ["filesRead"] = Text(toRead.Count),
            ["filesUnchanged"] = Text(reused),
            ["uploadedBlobs"] = Text(blobs.UploadedBlobs),
            ["uploadedBytes"] = Text(blobs.UploadedBytes),
            ["skipped"] = string.Join("\n", walk.Skipped),
        };
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record WalkResult(List<FileEntry> Entries, List<string> Skipped);

    /// <summary>Depth-first, bytewise-sorted: the order of files.jsonl, parents before children.</summary>
    private static WalkResult Walk(byte[] root, IProgress<string>? progress, CancellationToken ct)
    {
        var entries = new List<FileEntry>();
        var skipped = new List<string>();
        var firstLink = new Dictionary<(ulong, ulong), string>();
        void Visit(byte[] relative)
        {
            foreach (var name in Posix.ReadDirectory(relative.Length == 0 ? root : Posix.Join(root, relative)))
            {
                ct.ThrowIfCancellationRequested();
                var childRelative = relative.Length == 0 ? name : Posix.Join(relative, name);
                var absolute = Posix.Join(root, childRelative);
                if (Posix.LStat(absolute) is not { } stat)
                    continue; // Deleted since the directory was read.
                var path = Convert.ToBase64String(childRelative);
                var entry = new FileEntry
                {
                    Path = path, Type = FileEntry.File, Mode = stat.Permissions, Uid = stat.Uid, Gid = stat.Gid, Size = stat.Size,
                    MtimeSeconds = stat.MtimeSeconds, MtimeNanoseconds = stat.MtimeNanoseconds, Inode = stat.Inode, Device = stat.Device,
                };
                switch (stat.Kind)
                {
                    case Posix.Kind.Directory:
                        entries.Add(entry with { Type = FileEntry.Directory, Size = 0 });
                        Visit(childRelative);
                        break;
                    case Posix.Kind.Symlink:
                        entries.Add(entry with { Type = FileEntry.Symlink, Target = Convert.ToBase64String(Posix.ReadLink(absolute)) });
                        break;
                    case Posix.Kind.Regular when stat.Links > 1 && firstLink.TryGetValue((stat.Device, stat.Inode), out var first):
                        entries.Add(entry with { Type = FileEntry.HardLink, Target = first });
                        break;
                    case Posix.Kind.Regular:
                        if (stat.Links > 1)
                            firstLink[(stat.Device, stat.Inode)] = path;
                        entries.Add(entry);
                        break;
                    default:
                        var shown = Posix.Display(childRelative);
                        skipped.Add(shown);
                        progress?.Report($"warning: skipped {shown}: a device, socket or FIFO is not file content");
                        break;
                }
            }
        }
        Visit([]);
        return new WalkResult(entries, skipped);
    }
}
