using BackupConsole.Core.Instances;
using Quartz;

namespace BackupConsole.Jobs;

/// <summary>Runs the instance health check (online/offline, plans pausing with their source) on its schedule; the work is Core's.</summary>
[DisallowConcurrentExecution]
public sealed class InstanceHealthJob(InstanceHealth health) : IJob
{
    public static readonly JobKey Key = new("instance-health");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await health.CheckAllAsync(cancellationToken);
}
