namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>How new backup sets are written into a pool.</summary>
public sealed record RepositoryOptions
{
    /// <summary>zstd level 1–19; 3 is zstd's own default, fast with a good ratio.</summary>
    public int CompressionLevel { get; init; } = 3;

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
