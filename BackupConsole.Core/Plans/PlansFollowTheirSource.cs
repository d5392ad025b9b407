using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Instances;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Core.Plans;

/// <summary>
/// Scheduled plans pause when their source instance goes offline and resume when it returns (R-PLAN-11), each with an
/// event; manual plans are left alone, their runs fail with a clear error instead (R-PLAN-12). Plans paused by hand stay paused.
/// </summary>
public sealed class PlansFollowTheirSource(TenantDbFactory dbFactory, EventLog events, IPlanSchedule schedule) : IInstanceStatusListener
{
    public async Task OnStatusChangedAsync(BackupDbContext db, Instance instance, CancellationToken ct)
    {
        var offline = instance.Status == InstanceStatus.Offline;
        var plans = await db.Plans.Where(p => p.InstanceId == instance.Id && p.Strategy == PlanStrategy.Scheduled && p.AutoPaused != offline)
            .ToListAsync(ct);
        foreach (var plan in plans)
        {
            plan.AutoPaused = offline;
            await events.RecordAsync(db, plan.Id, offline ? "PlanAutoPaused" : "PlanAutoResumed", offline ? EventLevel.Warning : EventLevel.Info,
                $"{instance.Name}: {instance.StatusMessage ?? instance.Status.ToString()}", ct, plan.TenantId);
        }
    }

    public async Task AfterSavedAsync(IReadOnlyList<Instance> changed, CancellationToken ct)
    {
        var ids = changed.Select(i => i.Id).ToList();
        await using var db = dbFactory.ForSystem();
        var plans = await db.Plans.AsNoTracking().Where(p => ids.Contains(p.InstanceId) && p.Strategy == PlanStrategy.Scheduled)
            .Select(p => new { p.TenantId, p.Id }).ToListAsync(ct);
        foreach (var plan in plans)
            await schedule.PlanChangedAsync(plan.TenantId, plan.Id, ct);
    }
}
