using System.Formats.Tar;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>
/// A snapshot's files as one tar stream (PAX, so long names and large files are kept exactly). Extraction accepts only
/// directories and regular files that land inside the target: a damaged or hostile archive cannot write elsewhere.
/// </summary>
internal static class SnapshotArchive
{
    public static async Task<(int Files, long Bytes)> WriteAsync(string directory, Stream output, CancellationToken ct)
    {
        var files = 0;
        long bytes = 0;
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var path in Directory.EnumerateFileSystemEntries(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                     .Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(directory, path).Replace(Path.DirectorySeparatorChar, '/');
            await writer.WriteEntryAsync(path, name, ct);
            if (File.Exists(path))
            {
                files++;
                bytes += new FileInfo(path).Length;
            }
        }
        return (files, bytes);
    }

    public static async Task ExtractAsync(Stream input, string target, CancellationToken ct)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(target)) + Path.DirectorySeparatorChar;
        await using var reader = new TarReader(input, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            var path = Path.GetFullPath(Path.Combine(root, entry.Name));
            if (Path.IsPathRooted(entry.Name) || entry.Name.Contains('\0') || !path.StartsWith(root, StringComparison.Ordinal))
                throw new InvalidDataException($"The snapshot names '{entry.Name}', which is outside the restore directory; it is refused.");
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(path);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                    if (!OperatingSystem.IsWindows())
                        options.UnixCreateMode = (entry.Mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite)) | UnixFileMode.UserRead | UnixFileMode.UserWrite;
                    await using (var file = new FileStream(path, options))
                    {
                        if (entry.DataStream is { } data)
                            await data.CopyToAsync(file, 1 << 20, ct);
                    }
                    File.SetLastWriteTimeUtc(path, entry.ModificationTime.UtcDateTime);
                    break;
                default:
                    throw new InvalidDataException($"The snapshot holds '{entry.Name}' of type {entry.EntryType}; a snapshot holds only files and directories.");
            }
        }
        // The reader stops at the end-of-archive marker; the rest must still be read for the object's checksum to be checked.
        await input.CopyToAsync(Stream.Null, ct);
    }
}
