using System.ComponentModel.DataAnnotations;

namespace BackupConsole.Core.StoragePools;

/// <summary>Pool behaviour, bound from the "StoragePools" section.</summary>
public sealed class StoragePoolOptions : IValidatableObject
{
    public const string Section = "StoragePools";

    /// <summary>
    /// Lets external pools point at link-local or cloud-metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254).
    /// Off by default: a tenant could otherwise make the console send requests to the host's metadata service.
    /// </summary>
    public bool AllowLinkLocalEndpoints { get; set; }

    /// <summary>How often the health job checks every pool.</summary>
    [Range(5, 86_400)]
    public int HealthCheckSeconds { get; set; } = 60;

    /// <summary>How long a bind probe or a health check may take before the pool counts as unreachable.</summary>
    [Range(1, 600)]
    public int ProbeTimeoutSeconds { get; set; } = 20;

    /// <summary>Multipart part size; memory per running upload is about one part.</summary>
    [Range(5, 512)]
    public int PartSizeMb { get; set; } = 8;

    /// <summary>zstd level for new backups (1 fastest … 19 smallest); 1 by default, see <see cref="Repository.RepositoryOptions"/>.</summary>
    [Range(1, 19)]
    public int CompressionLevel { get; set; } = 1;

    /// <summary>
    /// Base64 of 32 bytes. When set, pools bound with encryption use this operator-held key instead of a key generated
    /// and kept by the console, so their backups can be restored with the key alone, even without this console.
    /// </summary>
    public string OperatorEncryptionKey { get; set; } = "";

    /// <summary>The name manifests record for the operator key (never the key itself).</summary>
    public string OperatorEncryptionKeyId { get; set; } = "operator";

    public byte[]? OperatorKeyBytes =>
        OperatorEncryptionKey.Length == 0 ? null : Convert.FromBase64String(OperatorEncryptionKey);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OperatorEncryptionKey.Length == 0)
            yield break;
        var valid = true;
        try
        {
            valid = Convert.FromBase64String(OperatorEncryptionKey).Length == 32;
        }
        catch (FormatException)
        {
            valid = false;
        }
        if (!valid)
            yield return new ValidationResult("StoragePools:OperatorEncryptionKey must be the base64 of exactly 32 bytes (openssl rand -base64 32).");
        if (OperatorEncryptionKeyId.Trim().Length is 0 or > 48)
            yield return new ValidationResult("StoragePools:OperatorEncryptionKeyId must be 1–48 characters.");
    }
}
