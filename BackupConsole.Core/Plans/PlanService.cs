using BackupConsole.Core.Common;
using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Localization;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.Tags;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace BackupConsole.Core.Plans;

/// <summary>The signed-in tenant's backup plans (R-PLAN-1…3, 7, 9, 10): create, update, list, pause, resume, delete.</summary>
public sealed class PlanService(
    IDbContextFactory<BackupDbContext> dbFactory,
    TagService tags,
    EventLog events,
    InstanceCapabilities capabilities,
    PlanTimerText timerText,
    IPlanSchedule schedule,
    PlanRunner runner,
    IStringLocalizer<CoreText> text,
    TimeProvider clock)
{
    public const int MaxRetentionDays = 3650;
    public const int MaxPageSize = 200;

    public async Task<PlanPage> ListAsync(PlanQuery query, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var rows = Rows(db);
        if (query.Status is { } status)
            rows = rows.Where(r => r.Status == status);
        if (query.SourceKind is { } kind)
            rows = rows.Where(r => r.Plan.SourceKind == kind);
        if (query.Strategy is { } strategy)
            rows = rows.Where(r => r.Plan.Strategy == strategy);
        if (!string.IsNullOrEmpty(query.ProjectGroupId))
            rows = rows.Where(r => r.Plan.ProjectGroupId == query.ProjectGroupId);
        if (!string.IsNullOrEmpty(query.TagKey))
        {
            var tagged = tags.ResourcesTagged(db, query.TagKey, string.IsNullOrEmpty(query.TagValue) ? null : query.TagValue);
            rows = rows.Where(r => tagged.Contains(r.Plan.Id));
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var search = query.Search.Trim();
            rows = rows.Where(r => r.Plan.Name.Contains(search) || r.Plan.Id.Contains(search) || r.InstanceName.Contains(search));
        }
        var total = await rows.CountAsync(ct);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var page = await rows.OrderByDescending(r => r.Plan.CreatedAt).ThenBy(r => r.Plan.Id)
            .Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize).ToListAsync(ct);
        var tagsById = await tags.GetTagsAsync(db, page.Select(r => r.Plan.Id).ToList(), ct);
        return new PlanPage(page.Select(r => ToView(r, tagsById.GetValueOrDefault(r.Plan.Id, []))).ToList(), total);
    }

    public async Task<PlanView?> GetAsync(string planId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var row = await Rows(db).SingleOrDefaultAsync(r => r.Plan.Id == planId, ct);
        return row is null ? null : ToView(row, (await tags.GetTagsAsync(db, [planId], ct)).GetValueOrDefault(planId, []));
    }

    // Member-initialised (not a constructor) so EF can still filter, order and page on the projection.
    private sealed class PlanRow
    {
        public required BackupPlan Plan { get; init; }
        public PlanStatus Status { get; init; }
        public required string PoolName { get; init; }
        public required string InstanceName { get; init; }
        public required Instance Instance { get; init; }
        public string? RelatedPlanName { get; init; }
    }

    // One query with the status computed in SQL, so filtering and paging by status stay on the server at 10,000 plans.
    private static IQueryable<PlanRow> Rows(BackupDbContext db) =>
        from p in db.Plans.AsNoTracking()
        join pool in db.StoragePools on p.PoolId equals pool.Id
        join i in db.Instances on p.InstanceId equals i.Id
        select new PlanRow
        {
            Plan = p,
            Status = pool.Status == StoragePoolStatus.Offline ? PlanStatus.Unavailable
                : p.Paused || p.AutoPaused ? PlanStatus.Paused
                : p.LastRunStatus == BackupDataStatus.Running ? PlanStatus.Running
                : p.LastRunStatus == BackupDataStatus.Failed ? PlanStatus.Failed
                : PlanStatus.Available,
            PoolName = pool.Name,
            InstanceName = i.Name,
            Instance = i,
            RelatedPlanName = db.Plans.Where(r => r.Id == p.RelatedPlanId).Select(r => r.Name).FirstOrDefault(),
        };

    private PlanView ToView(PlanRow r, IReadOnlyList<Tag> tagList)
    {
        var p = r.Plan;
        var timer = p.Strategy == PlanStrategy.Scheduled ? p.Timer : null;
        return new PlanView(
            p.Id, p.Name, p.Remark, r.Status, p.PoolId, r.PoolName, p.SourceKind, r.Instance.Region, p.InstanceId, r.InstanceName,
            InstanceService.Address(r.Instance), p.Strategy, timer is null ? null : timerText.Describe(timer), timer, p.BackupType, p.Selection,
            p.RetentionDays, p.RelatedPlanId, r.RelatedPlanName, p.ProjectGroupId, tagList, p.LastRunAt, p.CreatedAt, p.UpdatedAt);
    }

    public async Task<OperationResult<PlanView>> CreateAsync(PlanInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = db.RequireTenant();
        var (errors, instance) = await ValidateAsync(db, input, null, ct);
        if (errors.Count > 0)
            return OperationResult<PlanView>.Fail(errors);
        var now = clock.GetUtcNow();
        var plan = new BackupPlan
        {
            Id = ResourceIds.New(ResourceIds.BackupPlan),
            Name = "",
            InstanceId = "",
            BackupType = "",
            PoolId = "",
            ProjectGroupId = "",
            CreatedAt = now,
            UpdatedAt = now,
        };
        Apply(plan, input, instance!);
        db.Plans.Add(plan);
        await tags.StageAsync(db, plan.Id, input.Tags ?? [], ct);
        await events.RecordAsync(db, plan.Id, "PlanCreated", EventLevel.Info, Summary(plan), ct);
        await db.SaveChangesAsync(ct);
        await schedule.PlanChangedAsync(tenantId, plan.Id, ct);
        return OperationResult<PlanView>.Ok((await GetAsync(plan.Id, ct))!);
    }

    public async Task<OperationResult<PlanView>> UpdateAsync(string planId, PlanInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = db.RequireTenant();
        var plan = await db.Plans.SingleOrDefaultAsync(p => p.Id == planId, ct);
        if (plan is null)
            return OperationResult<PlanView>.NotFound(text["Plan.NotFound"]);
        var (errors, instance) = await ValidateAsync(db, input, plan, ct);
        if (errors.Count > 0)
            return OperationResult<PlanView>.Fail(errors);
        var wasScheduled = plan.Strategy == PlanStrategy.Scheduled;
        Apply(plan, input, instance!);
        if (wasScheduled && plan.Strategy == PlanStrategy.Manual)
            plan.Paused = plan.AutoPaused = false; // Manual plans cannot be paused (R-PLAN-10).
        plan.UpdatedAt = clock.GetUtcNow();
        await tags.StageAsync(db, plan.Id, input.Tags ?? [], ct);
        await events.RecordAsync(db, plan.Id, "PlanUpdated", EventLevel.Info, Summary(plan), ct);
        await db.SaveChangesAsync(ct);
        await schedule.PlanChangedAsync(tenantId, plan.Id, ct);
        return OperationResult<PlanView>.Ok((await GetAsync(plan.Id, ct))!);
    }

    /// <summary>Deletes a plan that holds no backup data and that no incremental plan builds on (R-PLAN-9).</summary>
    public async Task<OperationResult> DeleteAsync(string planId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = db.RequireTenant();
        var plan = await db.Plans.SingleOrDefaultAsync(p => p.Id == planId, ct);
        if (plan is null)
            return OperationResult.NotFound(text["Plan.NotFound"]);
        var held = await db.BackupData.CountAsync(d => d.PlanId == planId && d.Status != BackupDataStatus.Failed, ct);
        if (held > 0)
            return OperationResult.Fail("", text["Plan.HoldsData", held]);
        var dependants = await db.Plans.Where(p => p.RelatedPlanId == planId).Select(p => p.Name).ToListAsync(ct);
        if (dependants.Count > 0)
            return OperationResult.Fail("", text["Plan.RelatedBy", string.Join("、", dependants)]);
        db.BackupData.RemoveRange(db.BackupData.Where(d => d.PlanId == planId));
        db.Plans.Remove(plan);
        await tags.StageAsync(db, plan.Id, [], ct);
        await events.RecordAsync(db, plan.Id, "PlanDeleted", EventLevel.Info, plan.Name, ct);
        await db.SaveChangesAsync(ct);
        await schedule.PlanChangedAsync(tenantId, plan.Id, ct);
        return OperationResult.Ok();
    }

    /// <summary>The plan's backup data, newest first, a page at a time (R-PLAN-4); empty for another tenant's plan.</summary>
    public async Task<BackupDataPage> ListBackupDataAsync(string planId, int page = 0, int pageSize = 20, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        return await BackupDataQueries.PageAsync(db, db.BackupData.AsNoTracking().Where(d => d.PlanId == planId), page, pageSize, ct);
    }

    /// <summary>The plan's recent events, newest first (R-MON-3's model, shown on the detail page).</summary>
    public async Task<IReadOnlyList<Events.ResourceEvent>> ListEventsAsync(string planId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        return await events.ListAsync(db, planId, take: 20, ct);
    }

    /// <summary>When the plan fires next, from its timer; null when it does not (manual, paused).</summary>
    public DateTimeOffset? NextRun(PlanView plan) =>
        plan is { Strategy: PlanStrategy.Scheduled, Status: not PlanStatus.Paused, Timer: { } timer } ? timer.NextAfter(clock.GetUtcNow()) : null;

    /// <summary>执行: starts a run now, for scheduled and manual plans alike (R-PLAN-8); returns the new backup's id.</summary>
    public async Task<OperationResult<string>> ExecuteAsync(string planId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await runner.StartAsync(db.RequireTenant(), planId, PlanRunner.ManualTrigger, ct);
    }

    /// <summary>Pauses a scheduled plan: its timer stops firing until resumed (R-PLAN-10).</summary>
    public Task<OperationResult> PauseAsync(string planId, CancellationToken ct = default) => SetPausedAsync(planId, true, ct);

    public Task<OperationResult> ResumeAsync(string planId, CancellationToken ct = default) => SetPausedAsync(planId, false, ct);

    private async Task<OperationResult> SetPausedAsync(string planId, bool paused, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = db.RequireTenant();
        var plan = await db.Plans.SingleOrDefaultAsync(p => p.Id == planId, ct);
        if (plan is null)
            return OperationResult.NotFound(text["Plan.NotFound"]);
        if (plan.Strategy == PlanStrategy.Manual)
            return OperationResult.Fail("", text["Plan.ManualCannotPause"]);
        if (plan.Paused == paused)
            return OperationResult.Ok();
        plan.Paused = paused;
        plan.UpdatedAt = clock.GetUtcNow();
        await events.RecordAsync(db, plan.Id, paused ? "PlanPaused" : "PlanResumed", EventLevel.Info, plan.Name, ct);
        await db.SaveChangesAsync(ct);
        await schedule.PlanChangedAsync(tenantId, plan.Id, ct);
        return OperationResult.Ok();
    }

    private static void Apply(BackupPlan plan, PlanInput input, Instance instance)
    {
        plan.Name = input.Name.Trim();
        plan.Remark = string.IsNullOrWhiteSpace(input.Remark) ? null : input.Remark.Trim();
        plan.Strategy = input.Strategy;
        plan.SourceKind = input.SourceKind;
        plan.InstanceId = input.InstanceId;
        plan.BackupType = input.BackupType;
        plan.Selection = input.SourceKind == InstanceKind.MySql ? Normalized(input.Selection) : null;
        plan.PoolId = input.PoolId;
        plan.RetentionDays = input.RetentionDays;
        plan.RelatedPlanId = input.BackupType == "incremental" ? input.RelatedPlanId : null;
        plan.ProjectGroupId = string.IsNullOrEmpty(input.ProjectGroupId) ? instance.ProjectGroupId : input.ProjectGroupId;
        plan.Timer = input.Strategy == PlanStrategy.Scheduled ? input.Timer! : PlanTimer.Daily("UTC", new TimeOnly(0, 0));
    }

    private static string Summary(BackupPlan plan) => $"{plan.Name}; {plan.SourceKind} {plan.BackupType}; {plan.Strategy}";

    private async Task<(List<FieldError> Errors, Instance? Instance)> ValidateAsync(
        BackupDbContext db, PlanInput input, BackupPlan? existing, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var name = input.Name.Trim();
        if (name.Length is 0 or > BackupPlan.MaxNameLength || name.Any(char.IsControl))
            errors.Add(new("Name", text["Plan.NameLength", BackupPlan.MaxNameLength]));
        else if (await db.Plans.AnyAsync(p => p.Name == name && (existing == null || p.Id != existing.Id), ct))
            errors.Add(new("Name", text["Plan.NameTaken", name]));
        if (input.Remark is { Length: > BackupPlan.MaxRemarkLength })
            errors.Add(new("Remark", text["Plan.RemarkLength", BackupPlan.MaxRemarkLength]));
        errors.AddRange(tags.Validate(input.Tags ?? []));
        if (input.RetentionDays is < 1 or > MaxRetentionDays)
            errors.Add(new("RetentionDays", text["Plan.RetentionRange", MaxRetentionDays]));
        if (!await db.StoragePools.AnyAsync(p => p.Id == input.PoolId, ct))
            errors.Add(new("PoolId", text["Plan.PoolUnknown"]));
        if (!string.IsNullOrEmpty(input.ProjectGroupId) && !await db.ProjectGroups.AnyAsync(g => g.Id == input.ProjectGroupId, ct))
            errors.Add(new("ProjectGroupId", text["Gateway.ProjectGroupUnknown"]));
        if (input.Strategy == PlanStrategy.Scheduled)
        {
            if (input.Timer is null)
                errors.Add(new("Timer", text["Plan.TimerRequired"]));
            else
                errors.AddRange(input.Timer.Problems().DistinctBy(p => p.Key).Select(p => new FieldError(p.Field, text[p.Key])));
        }

        var instance = await db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == input.InstanceId, ct);
        if (instance is null || instance.Kind != input.SourceKind)
        {
            errors.Add(new("InstanceId", text["Plan.InstanceUnknown"]));
            return (errors, instance);
        }
        if (capabilities.ReasonAgainst(instance, input.BackupType) is { } reason)
            errors.Add(new("BackupType", reason));
        if (!string.IsNullOrWhiteSpace(input.Selection))
            ValidateSelection(input, errors);
        if (input.BackupType == "incremental")
        {
            var related = string.IsNullOrEmpty(input.RelatedPlanId)
                ? null
                : await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == input.RelatedPlanId, ct);
            if (related is null || related.BackupType != "physical" || related.InstanceId != input.InstanceId)
                errors.Add(new("RelatedPlanId", text["Plan.RelatedPlanInvalid"]));
            else if (!string.Equals(related.Selection, Normalized(input.Selection), StringComparison.Ordinal))
                errors.Add(new("Selection", text["Plan.RelatedSelectionDiffers"]));
            else if (related.PoolId != input.PoolId)
                errors.Add(new("PoolId", text["Plan.RelatedPoolDiffers"]));
        }
        return (errors, instance);
    }

    /// <summary>The selection in its one printed form, null for everything: how plans compare selections.</summary>
    private static string? Normalized(string? selection) =>
        string.IsNullOrWhiteSpace(selection) ? null : TableSelection.Parse(selection).ToString() is { Length: > 0 } printed ? printed : null;

    private void ValidateSelection(PlanInput input, List<FieldError> errors)
    {
        if (input.SourceKind != InstanceKind.MySql)
        {
            errors.Add(new("Selection", text["Plan.SelectionMySqlOnly"]));
            return;
        }
        TableSelection selection;
        try
        {
            selection = TableSelection.Parse(input.Selection);
        }
        catch (FormatException ex)
        {
            errors.Add(new("Selection", text["Plan.SelectionInvalid", ex.Message]));
            return;
        }
        // Physical, snapshot and incremental backups copy whole databases: single tables are for logical backups.
        if (input.BackupType != "logical" && selection.NamedTables.Any())
            errors.Add(new("Selection", text["Plan.SelectionDatabasesOnly"]));
    }
}
