using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.Gateways;

/// <summary>The tenant's one egress to external networks (备份网关): a public IP and a bandwidth every crossing stream obeys.</summary>
public sealed class Gateway : ITenantOwned
{
    public const int MinBandwidthMbps = 1;
    public const int MaxBandwidthMbps = 10_000;
    public const int MaxNameLength = 64;

    public required string Id { get; init; }

    public string TenantId { get; set; } = "";

    public required string Name { get; set; }

    /// <summary>Canonical text of the address (IPv4 dotted quad or compressed IPv6).</summary>
    public required string PublicIp { get; set; }

    public int BandwidthMbps { get; set; }

    public required string ProjectGroupId { get; set; }

    public GatewayStatus Status { get; set; }

    /// <summary>Why the gateway is in <see cref="GatewayStatus.Error"/>, for the operator.</summary>
    public string? StatusMessage { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency: two admins adjusting the same gateway cannot silently overwrite each other.</summary>
    public Guid Version { get; set; }
}
