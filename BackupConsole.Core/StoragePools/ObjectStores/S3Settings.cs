namespace BackupConsole.Core.StoragePools.ObjectStores;

/// <summary>How to reach one bucket of an S3-compatible service (MinIO, Ceph, AWS, s3rver).</summary>
public sealed record S3Settings(
    string ServiceUrl,
    string AccessKey,
    string SecretKey,
    string Bucket,
    bool ForcePathStyle = true,
    string Region = "us-east-1",
    // Off by default: some S3-compatible stores keep aws-chunked signing framing as part of the object (s3rver does).
    bool UseChunkEncoding = false,
    int PartSizeBytes = S3Settings.DefaultPartSizeBytes)
{
    public const int DefaultPartSizeBytes = 8 * 1024 * 1024;

    /// <summary>Never prints the secret key.</summary>
    public override string ToString() => $"{ServiceUrl.TrimEnd('/')}/{Bucket}";
}
