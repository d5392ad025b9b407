using System.ComponentModel.DataAnnotations;

namespace BackupConsole.Core.StoragePools;

/// <summary>Pool behaviour, bound from the "StoragePools" section.</summary>
public sealed class StoragePoolOptions
{
    public const string Section = "StoragePools";

    /// <summary>How often the health job checks every pool.</summary>
    [Range(5, 86_400)]
    public int HealthCheckSeconds { get; set; } = 60;

    /// <summary>How long a bind probe or a health check may take before the pool counts as unreachable.</summary>
    [Range(1, 600)]
    public int ProbeTimeoutSeconds { get; set; } = 20;

    /// <summary>Multipart part size; memory per running upload is about one part.</summary>
    [Range(5, 512)]
    public int PartSizeMb { get; set; } = 8;

    /// <summary>zstd level for new backups (1 fastest … 19 smallest).</summary>
    [Range(1, 19)]
    public int CompressionLevel { get; set; } = 3;
}
