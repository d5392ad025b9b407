namespace BackupConsole.Core.Monitoring;

/// <summary>
/// What one backup moves, counted as it happens: <see cref="SourceBytes"/> read from the source (the original bytes
/// handed to the repository) and <see cref="PoolBytes"/> written to the pool (compressed, encrypted, as uploaded).
/// </summary>
public sealed class ByteMeter
{
    private long _source;
    private long _pool;

    public long SourceBytes => Interlocked.Read(ref _source);

    public long PoolBytes => Interlocked.Read(ref _pool);

    public void AddSource(long bytes) => Interlocked.Add(ref _source, bytes);

    public void AddPool(long bytes) => Interlocked.Add(ref _pool, bytes);
}
