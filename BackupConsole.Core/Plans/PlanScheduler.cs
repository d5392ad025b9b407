using BackupConsole.Core.Data;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace BackupConsole.Core.Plans;

/// <summary>
/// One Quartz job per scheduled plan, with one cron trigger per execution time in the plan's time zone; the plans
/// are the one source of truth. A single console keeps the triggers in memory and rebuilds them from the plans at
/// start, running once each plan whose time passed while it was down (catch-up). Clustered nodes share the
/// triggers in Quartz's ADO.NET store: at start a node only adds or corrects triggers that differ from the plans (a
/// trigger another node is about to fire is left alone), and a time missed while every node was down is Quartz's
/// misfire, fired once. Either way a trigger that misfires fires once, not a burst (fire-and-proceed).
/// </summary>
public sealed class PlanScheduler(
    ISchedulerFactory schedulers, TenantScopes scopes, PlanRunner runner, Cluster.ConsoleNode node, Cluster.ClusterMembership membership,
    TimeProvider clock, ILogger<PlanScheduler> logger)
    : IPlanSchedule
{
    public const string Group = "plans";

    public static JobKey JobKeyOf(string planId) => new(planId, Group);

    public async Task PlanChangedAsync(string tenantId, string planId, CancellationToken ct)
    {
        await using var scope = scopes.ForTenant(tenantId);
        await using var db = scope.ServiceProvider.GetRequiredService<TenantDbFactory>().ForTenant(tenantId);
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == planId, ct);
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.DeleteJob(JobKeyOf(planId), ct);
        if (plan is not null)
            await ScheduleAsync(scheduler, plan, ct);
    }

    private static bool Fires(BackupPlan plan) => plan.Strategy == PlanStrategy.Scheduled && !plan.Paused && !plan.AutoPaused;

    private static async Task ScheduleAsync(IScheduler scheduler, BackupPlan plan, CancellationToken ct, bool onlyIfChanged = false)
    {
        if (!Fires(plan))
            return;
        var timer = plan.Timer;
        var zone = PlanTimer.TimeZoneOrNull(timer.TimeZone) ?? TimeZoneInfo.Utc;
        if (onlyIfChanged && await SameTriggersAsync(scheduler, plan, zone, ct))
            return;
        var job = JobBuilder.Create<PlanBackupJob>()
            .WithIdentity(JobKeyOf(plan.Id))
            .RequestRecovery()
            .UsingJobData(PlanBackupJob.TenantKey, plan.TenantId)
            .UsingJobData(PlanBackupJob.PlanKey, plan.Id)
            .Build();
        var triggers = timer.CronExpressions().Select((cron, i) => TriggerBuilder.Create()
            .WithIdentity($"{plan.Id}-{i}", Group)
            .ForJob(job)
            .WithCronSchedule(cron, s => s.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
            .Build()).ToList();
        await scheduler.ScheduleJob(job, triggers, ScheduleJobOptions.Replacing, ct);
    }

    private static async Task<bool> SameTriggersAsync(IScheduler scheduler, BackupPlan plan, TimeZoneInfo zone, CancellationToken ct)
    {
        var existing = (await scheduler.GetTriggersOfJob(JobKeyOf(plan.Id), ct)).OfType<ICronTrigger>().ToList();
        var wanted = plan.Timer.CronExpressions().ToList();
        return existing.Count == wanted.Count
               && existing.All(t => t.TimeZone.Id == zone.Id && wanted.Contains(t.CronExpressionString ?? ""));
    }

    /// <summary>At start: closes runs a stopped console left open, schedules every plan, and (a single console) runs
    /// once each plan whose time passed while the console was down.</summary>
    public async Task<int> RebuildAsync(CancellationToken ct)
    {
        await runner.RecoverInterruptedRunsAsync(await membership.LiveNodesAsync(ct), ct);
        await using var scope = scopes.ForSystem();
        await using var db = scope.ServiceProvider.GetRequiredService<TenantDbFactory>().ForSystem();
        var plans = await db.Plans.AsNoTracking().Where(p => p.Strategy == PlanStrategy.Scheduled && !p.Paused && !p.AutoPaused).ToListAsync(ct);
        var scheduler = await schedulers.GetScheduler(ct);
        if (node.Clustered)
        {
            // Jobs of plans deleted, paused or made manual while no node ran.
            var firing = plans.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var stale in (await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(Group), ct)).Where(k => !firing.Contains(k.Name)))
                await scheduler.DeleteJob(stale, ct);
        }
        var now = clock.GetUtcNow();
        var caughtUp = 0;
        foreach (var plan in plans)
        {
            await ScheduleAsync(scheduler, plan, ct, onlyIfChanged: node.Clustered);
            if (!node.Clustered && plan.Timer.NextAfter(plan.LastRunAt ?? plan.CreatedAt) is { } missed && missed < now)
            {
                var result = await runner.StartAsync(plan.TenantId, plan.Id, PlanRunner.CatchUpTrigger, ct);
                if (result.Succeeded)
                    caughtUp++;
                else
                    logger.LogWarning("Plan {PlanId} missed {Missed:u}; catch-up refused: {Reason}", plan.Id, missed, result.ErrorText);
            }
        }
        logger.LogInformation("Scheduled {Plans} plans; {CaughtUp} missed backups run now", plans.Count, caughtUp);
        return plans.Count;
    }

    /// <summary>When the plan fires next, or null when it does not (manual, paused).</summary>
    public async Task<DateTimeOffset?> NextFireAsync(string planId, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var triggers = await scheduler.GetTriggersOfJob(JobKeyOf(planId), ct);
        return triggers.Select(t => t.NextFireTimeUtc).Where(t => t is not null).Min();
    }
}
