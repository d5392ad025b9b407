namespace BackupConsole.Core.Tenancy;

/// <summary>A tenant's grouping of resources (项目组); every tenant starts with its default group.</summary>
public sealed class ProjectGroup : ITenantOwned
{
    /// <summary>The stored name of every tenant's first group, as the user guide names it.</summary>
    public const string DefaultName = "默认项目组";

    public required string Id { get; init; }

    public string TenantId { get; set; } = "";

    public required string Name { get; set; }

    public bool IsDefault { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
