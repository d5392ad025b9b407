using System.Runtime.InteropServices;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>
/// Copies a file as a reflink (FICLONE: shared blocks, copy-on-write, instant whatever the size) where the file system
/// can, and as an ordinary in-kernel copy where it cannot, so a snapshot's lock lasts milliseconds on XFS or Btrfs.
/// </summary>
internal static partial class FileClone
{
    private const uint Ficlone = 0x40049409;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(nint destination, uint request, nint source);

    /// <returns>True when the copy shares the source's blocks.</returns>
    public static bool Copy(string source, string destination)
    {
        if (OperatingSystem.IsLinux())
        {
            using var from = File.OpenHandle(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using (var to = File.OpenHandle(destination, FileMode.CreateNew, FileAccess.Write))
            {
                if (ioctl(to.DangerousGetHandle(), Ficlone, from.DangerousGetHandle()) == 0)
                    return true;
            }
            // EOPNOTSUPP or EXDEV: this file system (or this pair of them) cannot share blocks.
            File.Delete(destination);
        }
        File.Copy(source, destination);
        return false;
    }
}
