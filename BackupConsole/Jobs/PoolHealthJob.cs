using BackupConsole.Core.StoragePools;
using Quartz;

namespace BackupConsole.Jobs;

/// <summary>Runs the storage pool health check (R-POOL-3) on its schedule; the work itself is Core's.</summary>
[DisallowConcurrentExecution]
public sealed class PoolHealthJob(StoragePoolHealth health) : IJob
{
    public static readonly JobKey Key = new("pool-health");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await health.CheckAllAsync(cancellationToken);
}
