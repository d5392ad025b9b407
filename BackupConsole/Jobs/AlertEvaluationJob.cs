using BackupConsole.Core.Alerts;
using Quartz;

namespace BackupConsole.Jobs;

/// <summary>Evaluates the alert rules (R-MON-2) every Alerts:EvaluateSeconds; the rules are Core's.</summary>
[DisallowConcurrentExecution]
public sealed class AlertEvaluationJob(AlertEvaluator evaluator) : IJob
{
    public static readonly JobKey Key = new("alert-evaluation");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await evaluator.EvaluateAsync(cancellationToken);
}
