using System.Net;

namespace BackupConsole.Core.Gateways;

/// <summary>How a connection crosses a tenant's gateway: its limiter, and the local address to leave from when this host has it.</summary>
public sealed record GatewayRoute(string GatewayId, IPAddress PublicIp, IPAddress? BindAddress, BandwidthLimiter Limiter);
