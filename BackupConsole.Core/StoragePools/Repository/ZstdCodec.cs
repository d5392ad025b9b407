namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>The zstd encoder new objects are written with: the system's libzstd where it loads, the managed port elsewhere.</summary>
internal static class ZstdCodec
{
    public static Stream Compress(Stream inner, int level, bool leaveOpen) =>
        NativeZstdCompressionStream.IsAvailable
            ? new NativeZstdCompressionStream(inner, level, leaveOpen)
            : new ZstdSharp.CompressionStream(inner, level, leaveOpen: leaveOpen);
}
