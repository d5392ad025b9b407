namespace BackupConsole.Core.Tenancy;

/// <summary>A customer account (租户); every resource belongs to exactly one.</summary>
public sealed class Tenant
{
    public required string Id { get; init; }

    public required string Name { get; set; }

    public string? Remark { get; set; }

    public bool IsDisabled { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}
