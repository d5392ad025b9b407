using System.Globalization;
using Microsoft.Extensions.Logging;
using Quartz;

namespace BackupConsole.Core.Plans;

/// <summary>
/// The Quartz job of one plan: each trigger firing starts a run through the same runner as 执行. The job asks for
/// recovery: when a clustered node dies between firing it and recording the run, another node fires it again for the
/// same scheduled time (the runner refuses a time that already has its run, so nothing is doubled).
/// </summary>
[DisallowConcurrentExecution]
public sealed class PlanBackupJob(PlanRunner runner, ILogger<PlanBackupJob> logger) : IJob
{
    public const string TenantKey = "tenant";
    public const string PlanKey = "plan";
    public const string TriggerKey = "trigger";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var trigger = data.ContainsKey(TriggerKey) ? data.GetString(TriggerKey)! : PlanRunner.ScheduleTrigger;
        var scheduledFor = trigger != PlanRunner.ScheduleTrigger ? (DateTimeOffset?)null
            : context.Recovering ? RecoveredScheduledTime(data) ?? context.ScheduledFireTimeUtc
            : context.ScheduledFireTimeUtc;
        if (context.Recovering)
            logger.LogWarning("Plan {PlanId}: the firing for {ScheduledFor:u} was left by a stopped node and runs here", data.GetString(PlanKey), scheduledFor);
        // A refusal (already running, paused meanwhile, pool offline, this time already backed up) is the runner's to
        // report; nothing to retry here. The scheduled time goes with the run, so each time is backed up once.
        await runner.StartAsync(data.GetString(TenantKey)!, data.GetString(PlanKey)!, trigger, cancellationToken, scheduledFor);
    }

    /// <summary>The time the failed node's firing was scheduled for, as Quartz hands it to a recovery firing (a
    /// DateTimeOffset written in the invariant culture).</summary>
    public static DateTimeOffset? RecoveredScheduledTime(JobDataMap data)
    {
        if (!data.TryGetString(SchedulerConstants.FailedJobOriginalTriggerScheduledFireTime, out var text) || string.IsNullOrEmpty(text))
            return null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time.ToUniversalTime() : null;
    }
}
