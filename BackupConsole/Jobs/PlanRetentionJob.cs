using BackupConsole.Core.Plans;
using Quartz;

namespace BackupConsole.Jobs;

/// <summary>Deletes backup data past its plan's retention (R-PLAN-14) on its schedule; the rules are Core's.</summary>
[DisallowConcurrentExecution]
public sealed class PlanRetentionJob(PlanRetention retention) : IJob
{
    public static readonly JobKey Key = new("plan-retention");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await retention.ApplyAsync(cancellationToken);
}
