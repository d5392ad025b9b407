namespace BackupConsole.Core.Gateways;

/// <summary>Something that needs the tenant's gateway and so blocks its deletion (R-GW-6): external S3 pools plug in here.</summary>
public interface IGatewayDeletionBlocker
{
    /// <summary>Display names of the signed-in tenant's resources that still need the gateway; empty when none.</summary>
    Task<IReadOnlyList<string>> BlockingResourcesAsync(CancellationToken ct);
}
