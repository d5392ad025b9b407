using BackupConsole.Core.Cluster;
using BackupConsole.Core.Plans;
using BackupConsole.Core.Restores;
using Quartz;

namespace BackupConsole.Jobs;

/// <summary>
/// Clustered nodes only: takes over what a stopped node left running. Its runs are failed (or completed, when
/// their manifest had been written) and scheduled ones run again here for the same time; its restores are failed.
/// A clustered job, so one node sweeps at a time.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class RunRecoveryJob(PlanRunner runs, RestoreRunner restores, ClusterMembership membership, ILogger<RunRecoveryJob> logger) : IJob
{
    public static readonly JobKey Key = new("run-recovery", "console");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var live = await membership.LiveNodesAsync(cancellationToken);
        var backups = await runs.RecoverInterruptedRunsAsync(live, cancellationToken);
        var restored = await restores.FailInterruptedAsync(live, cancellationToken);
        if (backups + restored > 0)
            logger.LogWarning("Took over {Runs} run(s) and {Restores} restore(s) left by stopped nodes (live: {Live})",
                backups, restored, string.Join(", ", live ?? new HashSet<string>()));
    }
}
