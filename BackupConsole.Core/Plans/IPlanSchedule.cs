namespace BackupConsole.Core.Plans;

/// <summary>Keeps the scheduler's triggers in step with the plans: told after every change that affects when a plan fires.</summary>
public interface IPlanSchedule
{
    /// <summary>Re-reads the plan and (re)schedules it, or unschedules it when it is manual, paused or gone.</summary>
    Task PlanChangedAsync(string tenantId, string planId, CancellationToken ct);
}
