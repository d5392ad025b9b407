using System.Globalization;
using BackupConsole.Core.Plans;
using Quartz;

namespace BackupConsole.Tests.Plans;

/// <summary>X-6: a recovery firing runs for the time the failed node's firing was scheduled for, read back the way
/// Quartz's job store writes it (Convert.ToString of a DateTimeOffset, invariant culture).</summary>
public sealed class PlanBackupJobTests
{
    [Fact]
    public void A_recovery_firing_reads_the_original_scheduled_time_as_the_job_store_writes_it()
    {
        var scheduled = new DateTimeOffset(2026, 11, 26, 16, 36, 0, TimeSpan.Zero);
        var data = new JobDataMap
        {
            [SchedulerConstants.FailedJobOriginalTriggerScheduledFireTime] = Convert.ToString(scheduled, CultureInfo.InvariantCulture)!,
        };

        Assert.Equal(scheduled, PlanBackupJob.RecoveredScheduledTime(data));
        Assert.Null(PlanBackupJob.RecoveredScheduledTime(new JobDataMap()));
    }
}
