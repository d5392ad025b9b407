namespace BackupConsole.Core.Executors;

/// <summary>
/// Live counters of a restore or verification, read by the UI while the work runs: bytes come from the repository
/// (original bytes read back out of the pool), items from the engine (tables, keys, objects, files, backup sets).
/// Messages are the engine's progress lines, the last one kept.
/// </summary>
public sealed class TransferProgress : IProgress<string>
{
    private long _bytes;
    private long _items;
    private long _totalItems = -1;
    private volatile string? _message;

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Items => Interlocked.Read(ref _items);

    /// <summary>Original bytes the work will read; 0 when not known.</summary>
    public long TotalBytes { get; set; }

    /// <summary>Items the work will do; null when the engine cannot say in advance.</summary>
    public long? TotalItems => Interlocked.Read(ref _totalItems) is var t && t >= 0 ? t : null;

    public string? Message => _message;

    public void AddBytes(long bytes) => Interlocked.Add(ref _bytes, bytes);

    public void AddItems(long items) => Interlocked.Add(ref _items, items);

    public void SetTotalItems(long items) => Interlocked.Exchange(ref _totalItems, items);

    public void Report(string value) => _message = value;

    /// <summary>For engines that take any progress: counts items only when the caller asked for counters.</summary>
    public static void Count(IProgress<string>? progress, long items) => (progress as TransferProgress)?.AddItems(items);

    public static void Total(IProgress<string>? progress, long items) => (progress as TransferProgress)?.SetTotalItems(items);
}
