using BackupConsole.Core.Tags;

namespace BackupConsole.Core.Gateways;

/// <summary>What the create dialog (R-GW-1) submits.</summary>
public sealed record GatewayInput(string Name, string PublicIp, int BandwidthMbps, string? ProjectGroupId, IReadOnlyList<Tag> Tags);

/// <summary>A gateway as the list (R-GW-3) and its detail show it.</summary>
public sealed record GatewayView(
    string Id,
    string Name,
    GatewayStatus Status,
    string? StatusMessage,
    string PublicIp,
    int BandwidthMbps,
    string ProjectGroupId,
    string ProjectGroupName,
    bool ProjectGroupIsDefault,
    IReadOnlyList<Tag> Tags,
    bool PublicIpOnThisHost,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The list's "IP地址/网段" column.</summary>
    public string IpCidr => Gateways.PublicIp.AsCidr(PublicIp);
}
