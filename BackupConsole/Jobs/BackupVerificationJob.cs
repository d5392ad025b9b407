using BackupConsole.Core.Plans;
using Quartz;

namespace BackupConsole.Jobs;

/// <summary>Scheduled verification on its interval; which backups are due is Core's rule.</summary>
[DisallowConcurrentExecution]
public sealed class BackupVerificationJob(BackupVerification verification) : IJob
{
    public static readonly JobKey Key = new("backup-verification");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await verification.RunDueAsync(cancellationToken);
}
