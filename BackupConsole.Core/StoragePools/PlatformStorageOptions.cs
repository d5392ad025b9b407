using System.ComponentModel.DataAnnotations;

namespace BackupConsole.Core.StoragePools;

/// <summary>The platform object storage behind every 对象存储 pool, bound from "PlatformStorage" (R-POOL-1).</summary>
public sealed class PlatformStorageOptions : IValidatableObject
{
    public const string Section = "PlatformStorage";

    /// <summary>"LocalDisk" (embedded, under the data directory) or "S3" (MinIO, Ceph, AWS …).</summary>
    public string Kind { get; set; } = "LocalDisk";

    /// <summary>LocalDisk: where buckets live; empty means &lt;Data:Directory&gt;/objects.</summary>
    public string LocalDirectory { get; set; } = "";

    public string ServiceUrl { get; set; } = "";

    public string AccessKey { get; set; } = "";

    public string SecretKey { get; set; } = "";

    public string Region { get; set; } = "us-east-1";

    public bool ForcePathStyle { get; set; } = true;

    public bool UseChunkEncoding { get; set; }

    /// <summary>S3 only: a PEM file with the private CA that signs the service's certificate; empty trusts the system's CAs.</summary>
    public string CustomCaFile { get; set; } = "";

    public bool IsS3 => Kind.Equals("S3", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsS3 && !Kind.Equals("LocalDisk", StringComparison.OrdinalIgnoreCase))
            yield return new ValidationResult("PlatformStorage:Kind must be LocalDisk or S3.");
        if (IsS3 && (ServiceUrl.Length == 0 || AccessKey.Length == 0 || SecretKey.Length == 0))
            yield return new ValidationResult("PlatformStorage:Kind S3 needs ServiceUrl, AccessKey and SecretKey.");
        if (CustomCaFile.Length > 0 && !File.Exists(CustomCaFile))
            yield return new ValidationResult($"PlatformStorage:CustomCaFile {CustomCaFile} does not exist.");
    }
}
