using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.Executors.Files;

/// <summary>
/// Restores a file-storage snapshot into a new directory (R-PLAN-5). Every entry's path is checked before anything
/// is written: relative, no empty, "." or ".." segment, no NUL. Directories and files come first, created without
/// following links; hard links next; symlinks last, so no path the restore writes can pass through a link it made.
/// Modes, owners (when running as root) and mtimes are set at the end, directories deepest first.
/// </summary>
public sealed class FileSnapshotRestore(ILogger<FileSnapshotRestore> logger)
{
    public sealed record Result(int Entries, long Bytes, int OwnersNotSet);

    public async Task<Result> RunAsync(
        BackupRepository repository, BackupManifest manifest, EncryptionKey? key, string target, IProgress<string>? progress, CancellationToken ct)
    {
        Posix.Require();
        if (manifest.Source.Kind != "file-storage")
            throw new BackupException($"Backup {manifest.BackupId} is a {manifest.Source.Kind} backup, not a file-storage snapshot.");
        var entries = await SnapshotIndex.ReadAsync<FileEntry>(repository, manifest, FileEntry.IndexObject, key, ct);
        var paths = entries.Select(e => Checked(manifest, e.Path)).ToList();
        var known = new HashSet<string>(entries.Where(e => e.Type == FileEntry.File).Select(e => e.Path), StringComparer.Ordinal);
        foreach (var link in entries.Where(e => e.Type == FileEntry.HardLink))
        {
            Checked(manifest, link.Target ?? "");
            if (!known.Contains(link.Target!))
                throw new InvalidDataException($"Backup {manifest.BackupId}: a hard link points at a path that is not a file of the snapshot; it is refused.");
        }

        var root = Posix.PathBytes(Path.TrimEndingDirectorySeparator(Path.GetFullPath(target)));
        if (Posix.LStat(root) is { } existing && (existing.Kind != Posix.Kind.Directory || Posix.ReadDirectory(root).Count > 0))
            throw new BackupException($"{target} exists and is not an empty directory; restore into a new directory.");
        Posix.MakeDirectory(root, 0x1C0, existingIsFine: true);

        await using var blobs = new BlobStore(repository);
        var suffix = manifest.Properties.GetValueOrDefault("blobSuffix", "");
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Type == FileEntry.Directory)
                Posix.MakeDirectory(Posix.Join(root, paths[i]), 0x1C0);
        }
        long bytes = 0;
        var files = Enumerable.Range(0, entries.Count).Where(i => entries[i].Type == FileEntry.File).ToList();
        progress?.Report($"restoring {files.Count} files into {target}");
        TransferProgress.Total(progress, files.Count);
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = FileSnapshotBackup.Parallel, CancellationToken = ct }, async (i, token) =>
        {
            var entry = entries[i];
            long written = 0;
            await using (var file = Posix.CreateNew(Posix.Join(root, paths[i]), 0x180))
            {
                foreach (var id in entry.Chunks ?? [])
                {
                    var content = await blobs.ReadAsync(manifest.BackupId, id, suffix, key, token);
                    await file.WriteAsync(content, token);
                    written += content.Length;
                }
            }
            if (written != entry.Size)
                throw new ChecksumMismatchException(manifest.BackupId, Posix.Display(paths[i]), $"{written} bytes restored, {entry.Size} recorded");
            Interlocked.Add(ref bytes, written);
            TransferProgress.Count(progress, 1);
        });
        var byPath = entries.Select((e, i) => (e.Path, i)).ToDictionary(p => p.Path, p => p.i, StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Type == FileEntry.HardLink)
                Posix.HardLink(Posix.Join(root, paths[byPath[entries[i].Target!]]), Posix.Join(root, paths[i]));
        }
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Type == FileEntry.Symlink)
                Posix.Symlink(Convert.FromBase64String(entries[i].Target ?? ""), Posix.Join(root, paths[i]));
        }

        var asRoot = Environment.UserName == "root";
        var ownersNotSet = 0;
        // Deepest first, so setting a directory's mtime comes after everything written inside it.
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            var entry = entries[i];
            var path = Posix.Join(root, paths[i]);
            if (asRoot && !Posix.ChangeOwner(path, entry.Uid, entry.Gid))
                ownersNotSet++;
            if (entry.Type is FileEntry.File or FileEntry.Directory)
                Posix.ChangeMode(path, entry.Mode);
            if (entry.Type != FileEntry.HardLink)
                Posix.SetModified(path, entry.MtimeSeconds, entry.MtimeNanoseconds);
        }
        if (!asRoot)
            progress?.Report("owners were not restored: only root can give files to other users");
        logger.LogInformation("Restored {BackupId} into {Target}: {Entries} entries, {Bytes} bytes", manifest.BackupId, target, entries.Count, bytes);
        return new Result(entries.Count, bytes, asRoot ? ownersNotSet : entries.Count);
    }

    /// <summary>The entry's path as bytes, refused unless it stays inside the target.</summary>
    private static byte[] Checked(BackupManifest manifest, string base64)
    {
        byte[] path;
        try
        {
            path = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"Backup {manifest.BackupId} has an entry whose path is not base64; it is refused.");
        }
        var segments = path.AsSpan();
        var bad = path.Length == 0 || path[0] == (byte)'/' || path.Contains((byte)0);
        foreach (var range in segments.Split((byte)'/'))
        {
            var segment = segments[range];
            bad |= segment.IsEmpty || segment.SequenceEqual("."u8) || segment.SequenceEqual(".."u8);
        }
        if (bad)
            throw new InvalidDataException($"Backup {manifest.BackupId} names '{Posix.Display(path)}', which is outside the restore directory; it is refused.");
        return path;
    }
}
