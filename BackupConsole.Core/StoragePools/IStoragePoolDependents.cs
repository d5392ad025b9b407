namespace BackupConsole.Core.StoragePools;

/// <summary>What uses a pool and so blocks its unbinding (R-POOL-5): backup plans plug in here.</summary>
public interface IStoragePoolDependents
{
    /// <summary>Names of the signed-in tenant's plans that write into the pool; empty when none.</summary>
    Task<IReadOnlyList<string>> PlansUsingAsync(string poolId, CancellationToken ct);
}
