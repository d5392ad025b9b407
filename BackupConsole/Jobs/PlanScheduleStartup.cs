using BackupConsole.Core.Plans;
using BackupConsole.Core.Restores;

namespace BackupConsole.Jobs;

/// <summary>
/// Rebuilds every plan's triggers from the database when the console starts, and closes what a killed console left
/// open: runs and restores are failed, checks in progress reset.
/// </summary>
internal sealed class PlanScheduleStartup(
    PlanScheduler scheduler, PlanRunner runner, RestoreRunner restores, Core.Monitoring.MetricsSampler sampler, IServiceScopeFactory scopes,
    Core.StoragePools.ObjectStoreFactory stores, Core.Cluster.ClusterMembership membership, Core.Cluster.ConsoleNode node,
    ILogger<PlanScheduleStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (stores.PlatformLocalDirectory is { } platform
            // Clustered nodes may share the platform directory: only uploads abandoned for a day are another node's leftovers.
            && Core.StoragePools.ObjectStores.LocalDiskObjectStore.RemoveUnfinishedUploads(platform, node.Clustered ? TimeSpan.FromDays(1) : null) is > 0 and var removed)
            logger.LogWarning("Removed {Count} unfinished upload(s) a stopped console left in the platform store", removed);
        await restores.FailInterruptedAsync(await membership.LiveNodesAsync(cancellationToken), cancellationToken);
        await using (var scope = scopes.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<BackupVerification>().ResetInterruptedAsync(cancellationToken);
        await scheduler.RebuildAsync(cancellationToken);
    }

    // Runs and restores still going are cancelled and recorded before the process ends.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await runner.DisposeAsync();
        await restores.DisposeAsync();
        await sampler.DisposeAsync();
    }
}
