using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.Tags;

/// <summary>One key/value label (标签) on a resource, addressed by the resource's ID.</summary>
public sealed class ResourceTag : ITenantOwned
{
    public long Id { get; init; }

    public string TenantId { get; set; } = "";

    public required string ResourceId { get; init; }

    public required string Key { get; init; }

    public string Value { get; init; } = "";
}
