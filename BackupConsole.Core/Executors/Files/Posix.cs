using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace BackupConsole.Core.Executors.Files;

/// <summary>
/// The few POSIX calls file snapshots need with names as bytes (System.IO decodes names as UTF-8 and cannot reach a
/// file whose name is not): lstat, directory reading, open, readlink and what a restore creates. Layouts are
/// glibc's on x86_64; <see cref="Require"/> refuses other platforms with a clear message.
/// </summary>
internal static unsafe partial class Posix
{
    private const string Libc = "libc";
    public const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    public const int ReadOnly = 0, WriteOnly = 1, Create = 0x40, Exclusive = 0x80, NoFollow = 0x20000, CloseOnExec = 0x80000, Directory = 0x10000;
    private const int NoEntry = 2, Exists = 17;

    public enum Kind { Other, Regular, Directory, Symlink }

    public readonly record struct Stat(ulong Device, ulong Inode, ulong Links, uint Mode, uint Uid, uint Gid, long Size, long MtimeSeconds, long MtimeNanoseconds)
    {
        public Kind Kind => (Mode & 0xF000) switch
        {
            0x8000 => Kind.Regular,
            0x4000 => Kind.Directory,
            0xA000 => Kind.Symlink,
            _ => Kind.Other,
        };

        /// <summary>Permission bits with setuid, setgid and sticky.</summary>
        public uint Permissions => Mode & 0xFFF;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NativeStat
    {
        public ulong Dev, Ino, Nlink;
        public uint Mode, Uid, Gid;
        public int Pad0;
        public ulong Rdev;
        public long Size, Blksize, Blocks, AtimeSec, AtimeNsec, MtimeSec, MtimeNsec, CtimeSec, CtimeNsec;
        public long Reserved0, Reserved1, Reserved2;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds, Nanoseconds;
    }

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int lstat(byte* path, NativeStat* buffer);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial nint opendir(byte* path);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial nint readdir(nint directory);

    [LibraryImport(Libc)]
    private static partial int closedir(nint directory);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int open(byte* path, int flags, uint mode);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial nint readlink(byte* path, byte* buffer, nint size);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int mkdir(byte* path, uint mode);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int symlink(byte* target, byte* path);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int link(byte* existing, byte* path);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int lchown(byte* path, uint owner, uint group);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int chmod(byte* path, uint mode);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int utimensat(int directory, byte* path, TimeSpec* times, int flags);

    [LibraryImport(Libc)]
    private static partial nint strerror(int error);

    public static void Require()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            throw new BackupException("File-storage snapshots run on Linux x86-64 hosts.");
    }

    /// <summary>Joins a directory and a name as bytes, with no decoding.</summary>
    public static byte[] Join(byte[] directory, ReadOnlySpan<byte> name)
    {
        var joined = new byte[directory.Length + 1 + name.Length];
        directory.CopyTo(joined, 0);
        joined[directory.Length] = (byte)'/';
        name.CopyTo(joined.AsSpan(directory.Length + 1));
        return joined;
    }

    public static byte[] PathBytes(string path) => Encoding.UTF8.GetBytes(path);

    /// <summary>For messages only: invalid UTF-8 shows as escapes.</summary>
    public static string Display(ReadOnlySpan<byte> path)
    {
        var builder = new StringBuilder();
        var decoder = new UTF8Encoding(false, true);
        try
        {
            return decoder.GetString(path);
        }
        catch (DecoderFallbackException)
        {
            foreach (var b in path)
                builder.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:x2}");
            return builder.ToString();
        }
    }

    private static byte[] Terminated(ReadOnlySpan<byte> path)
    {
        if (path.Contains((byte)0))
            throw new BackupException($"A path contains a NUL byte: {Display(path)}");
        var buffer = new byte[path.Length + 1];
        path.CopyTo(buffer);
        return buffer;
    }

    private static IOException Error(string what, ReadOnlySpan<byte> path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{what} {Display(path)}: {Marshal.PtrToStringAnsi(strerror(errno))}", errno);
    }

    public static Stat? LStat(ReadOnlySpan<byte> path)
    {
        var terminated = Terminated(path);
        NativeStat native;
        fixed (byte* p = terminated)
        {
            if (lstat(p, &native) != 0)
            {
                if (Marshal.GetLastPInvokeError() == NoEntry)
                    return null;
                throw Error("lstat", path);
            }
        }
        return new Stat(native.Dev, native.Ino, native.Nlink, native.Mode, native.Uid, native.Gid, native.Size, native.MtimeSec, native.MtimeNsec);
    }

    /// <summary>The names in a directory, as bytes, without "." and "..", sorted bytewise.</summary>
    public static List<byte[]> ReadDirectory(ReadOnlySpan<byte> path)
    {
        var terminated = Terminated(path);
        var names = new List<byte[]>();
        nint directory;
        fixed (byte* p = terminated)
            directory = opendir(p);
        if (directory == 0)
            throw Error("opendir", path);
        try
        {
            while (true)
            {
                var entry = readdir(directory);
                if (entry == 0)
                    break;
                // struct dirent: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name at 19.
                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)entry + 19);
                if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
                    continue;
                names.Add(name.ToArray());
            }
        }
        finally
        {
            closedir(directory);
        }
        names.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        return names;
    }

    /// <summary>Opens a regular file for reading without following a symlink put in its place since it was listed.</summary>
    public static FileStream OpenRead(ReadOnlySpan<byte> path) => Open(path, ReadOnly | NoFollow | CloseOnExec, 0, FileAccess.Read);

    /// <summary>Creates a new file; fails if anything (a file, a symlink) is already there.</summary>
    public static FileStream CreateNew(ReadOnlySpan<byte> path, uint mode) =>
        Open(path, WriteOnly | Create | Exclusive | NoFollow | CloseOnExec, mode, FileAccess.Write);

    private static FileStream Open(ReadOnlySpan<byte> path, int flags, uint mode, FileAccess access)
    {
        var terminated = Terminated(path);
        int fd;
        fixed (byte* p = terminated)
            fd = open(p, flags, mode);
        if (fd < 0)
            throw Error("open", path);
        return new FileStream(new SafeFileHandle(fd, ownsHandle: true), access, 1 << 16);
    }

    public static byte[] ReadLink(ReadOnlySpan<byte> path)
    {
        var terminated = Terminated(path);
        var buffer = new byte[4096];
        nint length;
        fixed (byte* p = terminated)
        fixed (byte* b = buffer)
            length = readlink(p, b, buffer.Length);
        if (length < 0)
            throw Error("readlink", path);
        return buffer[..(int)length];
    }

    public static void MakeDirectory(ReadOnlySpan<byte> path, uint mode, bool existingIsFine = false)
    {
        var terminated = Terminated(path);
        fixed (byte* p = terminated)
        {
            if (mkdir(p, mode) != 0 && !(existingIsFine && Marshal.GetLastPInvokeError() == Exists))
                throw Error("mkdir", path);
        }
    }

    public static void Symlink(ReadOnlySpan<byte> target, ReadOnlySpan<byte> path)
    {
        var t = Terminated(target);
        var l = Terminated(path);
        fixed (byte* pt = t)
        fixed (byte* pl = l)
        {
            if (symlink(pt, pl) != 0)
                throw Error("symlink", path);
        }
    }

    public static void HardLink(ReadOnlySpan<byte> existing, ReadOnlySpan<byte> path)
    {
        var e = Terminated(existing);
        var l = Terminated(path);
        fixed (byte* pe = e)
        fixed (byte* pl = l)
        {
            if (link(pe, pl) != 0)
                throw Error("link", path);
        }
    }

    /// <returns>False when not permitted (restoring as a user who cannot give files away): the caller warns.</returns>
    public static bool ChangeOwner(ReadOnlySpan<byte> path, uint uid, uint gid)
    {
        var terminated = Terminated(path);
        fixed (byte* p = terminated)
            return lchown(p, uid, gid) == 0;
    }

    public static void ChangeMode(ReadOnlySpan<byte> path, uint mode)
    {
        var terminated = Terminated(path);
        fixed (byte* p = terminated)
        {
            if (chmod(p, mode) != 0)
                throw Error("chmod", path);
        }
    }

    /// <summary>Sets the modification (and access) time of the entry itself, never of a symlink's target.</summary>
    public static void SetModified(ReadOnlySpan<byte> path, long seconds, long nanoseconds)
    {
        var terminated = Terminated(path);
        var times = stackalloc TimeSpec[2];
        times[0] = new TimeSpec { Seconds = seconds, Nanoseconds = nanoseconds };
        times[1] = times[0];
        fixed (byte* p = terminated)
        {
            if (utimensat(AtFdCwd, p, times, AtSymlinkNoFollow) != 0)
                throw Error("utimensat", path);
        }
    }
}
