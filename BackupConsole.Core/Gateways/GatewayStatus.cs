namespace BackupConsole.Core.Gateways;

/// <summary>Where a gateway is in its life; only <see cref="Running"/> carries traffic.</summary>
public enum GatewayStatus
{
    Creating,
    Running,
    Updating,
    Deleting,
    Error,
}
