using BackupConsole.Core.Monitoring;
using Quartz;

namespace BackupConsole.Jobs;

/// <summary>Deletes monitoring samples past their retention (Monitoring:MetricRetentionDays).</summary>
[DisallowConcurrentExecution]
public sealed class MetricRetentionJob(MetricRetention retention) : IJob
{
    public static readonly JobKey Key = new("metric-retention");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await retention.ApplyAsync(cancellationToken);
}
