using Quartz;

namespace BackupConsole.Core.Plans;

/// <summary>The Quartz job of one plan: each trigger firing starts a run through the same runner as 执行.</summary>
[DisallowConcurrentExecution]
public sealed class PlanBackupJob(PlanRunner runner) : IJob
{
    public const string TenantKey = "tenant";
    public const string PlanKey = "plan";
    public const string TriggerKey = "trigger";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var trigger = data.ContainsKey(TriggerKey) ? data.GetString(TriggerKey)! : PlanRunner.ScheduleTrigger;
        // A refusal (already running, paused meanwhile, pool offline, this time already backed up) is the runner's to
        // report; nothing to retry here. The scheduled time goes with the run, so each time is backed up once.
        await runner.StartAsync(data.GetString(TenantKey)!, data.GetString(PlanKey)!, trigger, cancellationToken,
            trigger == PlanRunner.ScheduleTrigger ? context.ScheduledFireTimeUtc : null);
    }
}
