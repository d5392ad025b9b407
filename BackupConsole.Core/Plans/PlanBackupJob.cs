using System.Globalization;
using Quartz;

namespace BackupConsole.Core.Plans;

/// <summary>
/// The Quartz job of one plan: each trigger firing starts a run through the same runner as 执行. The job asks for
/// recovery: when a clustered node dies between firing it and recording the run, another node fires it again for the
/// same scheduled time (the runner refuses a time that already has its run, so nothing is doubled).
/// </summary>
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
        var scheduledFor = trigger != PlanRunner.ScheduleTrigger ? (DateTimeOffset?)null
            : context.Recovering ? RecoveredScheduledTime(data) ?? context.ScheduledFireTimeUtc
            : context.ScheduledFireTimeUtc;
        // A refusal (already running, paused meanwhile, pool offline, this time already backed up) is the runner's to
        // report; nothing to retry here. The scheduled time goes with the run, so each time is backed up once.
        await runner.StartAsync(data.GetString(TenantKey)!, data.GetString(PlanKey)!, trigger, cancellationToken, scheduledFor);
    }

    /// <summary>The time the failed node's firing was scheduled for, as Quartz hands it to a recovery firing (a date
    /// in the invariant culture, or ticks).</summary>
    public static DateTimeOffset? RecoveredScheduledTime(JobDataMap data)
    {
        if (!data.TryGetString(SchedulerConstants.FailedJobOriginalTriggerScheduledFireTime, out var text) || string.IsNullOrEmpty(text))
            return null;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks))
            return new DateTimeOffset(ticks, TimeSpan.Zero);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time.ToUniversalTime() : null;
    }
}
