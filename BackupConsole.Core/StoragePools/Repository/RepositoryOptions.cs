namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>How new backup sets are written into a pool.</summary>
public sealed record RepositoryOptions
{
    /// <summary>
    /// zstd level 1–19. Level 1 by default: a backup competes for the host's CPU with the server it reads (and on a
    /// small host usually loses time there, not on the network or disk); on dump text level 1 took a fifth less time
    /// than level 3 for a stored size within a few percent, sometimes smaller (bench/mysql.sh).
    /// </summary>
    public int CompressionLevel { get; init; } = 1;

    public bool Compress { get; init; } = true;

    /// <summary>Null: not encrypted. Losing this key makes every set written with it unreadable, forever.</summary>
    public EncryptionKey? Encryption { get; init; }
}

/// <summary>A 256-bit key and the id it is recorded under in manifests.</summary>
public sealed record EncryptionKey(string KeyId, byte[] Key)
{
    public string Fingerprint => ChunkedAesGcm.Fingerprint(Key);

    public override string ToString() => $"{KeyId} ({Fingerprint})";
}
