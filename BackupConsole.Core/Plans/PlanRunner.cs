using System.Collections.Concurrent;
using System.Globalization;
using BackupConsole.Core.Common;
using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Executors;
using BackupConsole.Core.Executors.Files;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.Executors.Objects;
using BackupConsole.Core.Executors.Redis;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Localization;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupConsole.Core.Plans;

/// <summary>
/// Runs plans (R-PLAN-8): one run of a plan at a time, a bounded number per tenant, each recorded as a backup-data
/// row (running → available / failed) whose id is the backup set's, so the row matches the manifest in the pool.
/// The same path serves 执行 in the UI, the schedule and the API.
/// </summary>
public sealed class PlanRunner(
    TenantScopes scopes,
    EventLog events,
    IOptions<PlanOptions> options,
    IStringLocalizer<CoreText> text,
    TimeProvider clock,
    Cluster.ConsoleNode node,
    ILogger<PlanRunner> logger) : IAsyncDisposable
{
    public const string ManualTrigger = "manual";
    public const string ScheduleTrigger = "schedule";
    public const string CatchUpTrigger = "catch-up";

    /// <summary>A scheduled run taken over from a console node that stopped during it .</summary>
    public const string RecoveryTrigger = "recovery";

    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _tenantSlots = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Starts a run in the background; refused (with the reason) while the plan runs, when it is paused for a
    /// scheduled trigger, while its pool is offline, or when the schedule's time <paramref name="scheduledFor"/> already
    /// has its backup (a cluster fires each time once; this makes sure of it). Returns the new backup's id.</summary>
    public async Task<OperationResult<string>> StartAsync(
        string tenantId, string planId, string trigger, CancellationToken ct = default, DateTimeOffset? scheduledFor = null)
    {
        await using (var scope = scopes.ForTenant(tenantId))
        await using (var db = scope.ServiceProvider.GetRequiredService<TenantDbFactory>().ForTenant(tenantId))
        {
            var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == planId, ct);
            if (plan is null)
                return OperationResult<string>.NotFound(text["Plan.NotFound"]);
            if (trigger != ManualTrigger && (plan.Paused || plan.AutoPaused || plan.Strategy == PlanStrategy.Manual))
                return OperationResult<string>.Fail("", text["Plan.NotScheduledNow", plan.Name]);
            var pool = await db.StoragePools.AsNoTracking().SingleAsync(p => p.Id == plan.PoolId, ct);
            if (pool.Status == StoragePoolStatus.Offline)
                return OperationResult<string>.Fail("", text["Plan.PoolOffline", pool.Name]);
            if (await db.BackupData.AnyAsync(d => d.PlanId == planId && d.Status == BackupDataStatus.Running, ct))
                return OperationResult<string>.Fail("", text["Plan.AlreadyRunning", plan.Name]);
            if (scheduledFor is { } time
                && await db.BackupData.AnyAsync(d => d.PlanId == planId && d.ScheduledFor == time && d.Status != BackupDataStatus.Failed, ct))
                return OperationResult<string>.Fail("", text["Plan.AlreadyRunFor", plan.Name, time.ToString("u", CultureInfo.InvariantCulture)]);
        }
        var backupId = ResourceIds.New(ResourceIds.BackupSet);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = RunAsync(tenantId, planId, backupId, start.Task);
        if (!_running.TryAdd(planId, run))
        {
            start.SetCanceled();
            await run;
            return OperationResult<string>.Fail("", text["Plan.AlreadyRunning", planId]);
        }
        try
        {
            // Recorded before this returns: the list shows the plan running (or queued for a slot) at once.
            await RecordStartAsync(tenantId, planId, backupId, trigger, scheduledFor, ct);
        }
        catch (Exception ex)
        {
            start.SetCanceled();
            await run;
            _running.TryRemove(planId, out _);
            // Another console node recorded its run of this plan first (RunningPlanId is unique).
            if (ex is DbUpdateException && await RunsElsewhereAsync(tenantId, planId))
                return OperationResult<string>.Fail("", text["Plan.AlreadyRunning", planId]);
            throw;
        }
        start.SetResult();
        return OperationResult<string>.Ok(backupId);
    }

    private async Task<bool> RunsElsewhereAsync(string tenantId, string planId)
    {
        await using var scope = scopes.ForTenant(tenantId);
        await using var db = scope.ServiceProvider.GetRequiredService<TenantDbFactory>().ForTenant(tenantId);
        return await db.BackupData.AnyAsync(d => d.RunningPlanId == planId);
    }

    private async Task RecordStartAsync(string tenantId, string planId, string backupId, string trigger, DateTimeOffset? scheduledFor, CancellationToken ct)
    {
        await using var scope = scopes.ForTenant(tenantId);
        await using var db = scope.ServiceProvider.GetRequiredService<TenantDbFactory>().ForTenant(tenantId);
        var plan = await db.Plans.SingleAsync(p => p.Id == planId, ct);
        var now = clock.GetUtcNow();
        db.BackupData.Add(new BackupData
        {
            Id = backupId, PlanId = plan.Id, PoolId = plan.PoolId, BackupType = plan.BackupType, Status = BackupDataStatus.Running,
            Trigger = trigger, StartedAt = now, SourceKind = plan.SourceKind.ManifestName(),
            Node = node.Id, ScheduledFor = scheduledFor, RunningPlanId = plan.Id,
        });
        plan.LastRunAt = now;
        plan.LastRunStatus = BackupDataStatus.Running;
        await events.RecordAsync(db, plan.Id, "BackupStarted", EventLevel.Info, $"{backupId} ({trigger})", ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Waits for the plan's current run, if any (tests, shutdown).</summary>
    public Task WaitAsync(string planId) => _running.TryGetValue(planId, out var run) ? run : Task.CompletedTask;

    private async Task RunAsync(string tenantId, string planId, string backupId, Task start)
    {
        try
        {
            await start;
        }
        catch (TaskCanceledException)
        {
            return; // Another request registered its run first, or recording the start failed.
        }
        var ct = _stopping.Token;
        var slot = _tenantSlots.GetOrAdd(tenantId, _ => new SemaphoreSlim(options.Value.MaxConcurrentRunsPerTenant));
        try
        {
            await slot.WaitAsync(ct);
            try
            {
                await using var scope = scopes.ForTenant(tenantId);
                await ExecuteAsync(scope.ServiceProvider, planId, backupId, ct);
            }
            finally
            {
                slot.Release();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped while it waited for a slot: its row must not stay "running".
            logger.LogWarning("Run {BackupId} of plan {PlanId} stopped with the console", backupId, planId);
            await using var scope = scopes.ForTenant(tenantId);
            var dbs = scope.ServiceProvider.GetRequiredService<IDbContextFactory<BackupDbContext>>();
            await using (var db = await dbs.CreateDbContextAsync(CancellationToken.None))
                if (await db.BackupData.AnyAsync(d => d.Id == backupId && d.Status == BackupDataStatus.Running))
                    await FinishAsync(dbs, planId, backupId, null, text["Plan.RunStopped"]);
        }
        catch (Exception ex)
        {
            // Only the bookkeeping around a run gets here (the run's own failures are recorded on its row).
            logger.LogError(ex, "Run {BackupId} of plan {PlanId} could not be recorded", backupId, planId);
        }
        finally
        {
            _running.TryRemove(planId, out _);
        }
    }

    private async Task ExecuteAsync(IServiceProvider services, string planId, string backupId, CancellationToken ct)
    {
        var dbs = services.GetRequiredService<IDbContextFactory<BackupDbContext>>();
        BackupPlan plan;
        Instance instance;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            plan = await db.Plans.AsNoTracking().SingleAsync(p => p.Id == planId, ct);
            instance = await db.Instances.AsNoTracking().SingleAsync(i => i.Id == plan.InstanceId, ct);
            (await db.BackupData.SingleAsync(d => d.Id == backupId, ct)).StartedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
        }

        BackupManifest? manifest = null;
        string? error = null;
        var sourceKind = instance.Kind.ToString();
        using var activity = Monitoring.ConsoleTelemetry.StartRun(plan.Id, backupId, sourceKind, plan.BackupType);
        var started = clock.GetTimestamp();
        try
        {
            if (instance.Status == InstanceStatus.Offline)
                throw new BackupException(text["Plan.SourceOffline", instance.Name, instance.StatusMessage ?? ""]);
            await using var pool = await services.GetRequiredService<StoragePoolService>().OpenRepositoryAsync(plan.PoolId, ct);
            var meter = pool.Repository.WriteMeter = new Monitoring.ByteMeter();
            await using (Monitoring.MonitoringRules.Applies(plan.BackupType)
                             ? services.GetRequiredService<Monitoring.MetricsSampler>().Track(plan.TenantId, plan.Id, backupId, () => (meter.SourceBytes, meter.PoolBytes))
                             : null)
                manifest = await BackUpAsync(services, plan, instance, pool.Repository, backupId, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            error = ex.Message;
            logger.LogWarning(ex, "Run {BackupId} of plan {PlanId} failed", backupId, planId);
        }
        finally
        {
            error ??= manifest is null ? text["Plan.RunStopped"].Value : null;
            await FinishAsync(dbs, plan.Id, backupId, manifest, error);
            Monitoring.ConsoleTelemetry.RunEnded(activity, sourceKind, plan.BackupType, manifest is not null, manifest?.RawBytes ?? 0, clock.GetElapsedTime(started), error);
        }
    }

    private async Task<BackupManifest> BackUpAsync(
        IServiceProvider services, BackupPlan plan, Instance instance, BackupRepository repository, string backupId, CancellationToken ct)
    {
        var connections = services.GetRequiredService<InstanceConnections>();
        var route = instance.External ? await services.GetRequiredService<GatewayService>().GetRouteAsync(ct) : null;
        await using var relay = connections.RelayFor(instance, route);
        switch (instance.Kind)
        {
            case InstanceKind.MySql:
                var baseId = plan.BackupType == "incremental" ? await ChainTipAsync(services, plan, ct) : null;
                return await services.GetRequiredService<MySqlBackupRunner>().RunAsync(
                    repository, connections.MySql(instance, relay), plan.BackupType, TableSelection.Parse(plan.Selection), plan.Id, null, ct,
                    baseId, parallel: Math.Clamp(Environment.ProcessorCount, 2, 4), backupId: backupId);
            case InstanceKind.Redis:
                return await services.GetRequiredService<RedisBackupRunner>().RunAsync(
                    repository, connections.Redis(instance, relay), plan.BackupType, plan.Id, null, ct, backupId);
            case InstanceKind.ObjectStorage:
                using (var bucket = connections.Bucket(instance, route))
                    return await services.GetRequiredService<ObjectSnapshotRunner>().RunAsync(
                        repository, bucket, plan.BackupType, plan.Id, null, null, ct, backupId);
            default:
                return await services.GetRequiredService<FileSnapshotRunner>().RunAsync(
                    repository, instance.Path!, plan.BackupType, plan.Id, null, null, ct, backupId);
        }
    }

    /// <summary>An incremental builds on the newest available backup of its chain: the related full plan's physical
    /// backups and this plan's own incrementals.</summary>
    private static async Task<string> ChainTipAsync(IServiceProvider services, BackupPlan plan, CancellationToken ct)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<BackupDbContext>>().CreateDbContextAsync(ct);
        var tip = await db.BackupData.AsNoTracking()
            .Where(d => (d.PlanId == plan.RelatedPlanId || d.PlanId == plan.Id) && d.Status == BackupDataStatus.Available && d.PoolId == plan.PoolId)
            .OrderByDescending(d => d.FinishedAt)
            .Select(d => d.Id)
            .FirstOrDefaultAsync(ct);
        return tip ?? throw new BackupException(services.GetRequiredService<IStringLocalizer<CoreText>>()["Plan.NoFullBackupYet"]);
    }

    private async Task FinishAsync(IDbContextFactory<BackupDbContext> dbs, string planId, string backupId, BackupManifest? manifest, string? error)
    {
        // Recorded even when the console is stopping: a row must never stay "running" after its run is over.
        await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
        var row = await db.BackupData.SingleAsync(d => d.Id == backupId);
        var plan = await db.Plans.SingleAsync(p => p.Id == planId);
        row.FinishedAt = clock.GetUtcNow();
        row.RunningPlanId = null;
        if (manifest is not null)
        {
            row.Status = BackupDataStatus.Available;
            row.ParentId = manifest.ParentBackupId;
            row.SourceDescription = manifest.Source.Description is { Length: > 512 } d ? d[..512] : manifest.Source.Description;
            row.SizeBytes = manifest.Properties.TryGetValue("bytes", out var bytes) && long.TryParse(bytes, CultureInfo.InvariantCulture, out var b) ? b : manifest.RawBytes;
            row.StoredBytes = manifest.StoredBytes + (manifest.Properties.TryGetValue("uploadedBytes", out var uploaded)
                && long.TryParse(uploaded, CultureInfo.InvariantCulture, out var u) ? u : 0);
            await events.RecordAsync(db, planId, "BackupSucceeded", EventLevel.Info, backupId, CancellationToken.None);
        }
        else
        {
            row.Status = BackupDataStatus.Failed;
            row.Error = error is { Length: > 4000 } ? error[..4000] : error;
            await events.RecordAsync(db, planId, "BackupFailed", EventLevel.Warning, $"{backupId}: {row.Error}", CancellationToken.None);
        }
        plan.LastRunStatus = row.Status;
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>
    /// Rows left "running" by a console that stopped: at start every run this console does not hold (a single
    /// console, or this node's own before a restart), and in a cluster also the runs of nodes that stopped checking
    /// in (<paramref name="live"/>, from <see cref="Cluster.ClusterMembership"/>). A run whose manifest reached the pool
    /// is a complete backup and becomes available; any other is failed and what it had written under its set is
    /// removed (content-addressed blobs it shared stay for the pruner). In a cluster a failed scheduled run is then
    /// run again here for the same time, so a stopped node loses no scheduled backup.
    /// </summary>
    public async Task<int> RecoverInterruptedRunsAsync(IReadOnlySet<string>? live, CancellationToken ct)
    {
        await using var scope = scopes.ForSystem();
        await using var db = scope.ServiceProvider.GetRequiredService<TenantDbFactory>().ForSystem();
        var running = await db.BackupData.Where(d => d.Status == BackupDataStatus.Running).ToListAsync(ct);
        var stale = running.Where(r => (r.PlanId is null || !_running.ContainsKey(r.PlanId))
                                       && (r.Node == node.Id || Cluster.ClusterMembership.IsLeft(r.Node, live))).ToList();
        var again = new List<BackupData>();
        foreach (var row in stale)
        {
            if (await CloseInterruptedSetAsync(row, ct) is { } manifest && row.PlanId is { } planId)
            {
                await using var tenant = scopes.ForTenant(row.TenantId);
                await FinishAsync(tenant.ServiceProvider.GetRequiredService<IDbContextFactory<BackupDbContext>>(), planId, row.Id, manifest, null);
                await db.Entry(row).ReloadAsync(ct);
                continue;
            }
            row.Status = BackupDataStatus.Failed;
            row.FinishedAt = clock.GetUtcNow();
            row.RunningPlanId = null;
            row.Error = live is null ? text["Plan.RunInterrupted"] : text["Plan.RunNodeStopped", row.Node ?? "?", node.Id];
            await events.RecordAsync(db, row.PlanId ?? row.PoolId, "BackupFailed", EventLevel.Warning, $"{row.Id}: {row.Error}", ct, row.TenantId);
            if (live is not null && row.ScheduledFor is not null && row.PlanId is not null)
                again.Add(row);
        }
        var plans = stale.Select(d => d.PlanId).Distinct().ToList();
        foreach (var plan in await db.Plans.Where(p => plans.Contains(p.Id) && p.LastRunStatus == BackupDataStatus.Running).ToListAsync(ct))
            if (!_running.ContainsKey(plan.Id))
                plan.LastRunStatus = BackupDataStatus.Failed;
        await db.SaveChangesAsync(ct);
        foreach (var row in again)
        {
            var result = await StartAsync(row.TenantId, row.PlanId!, RecoveryTrigger, ct, row.ScheduledFor);
            logger.Log(result.Succeeded ? LogLevel.Information : LogLevel.Warning,
                "Scheduled run {BackupId} of plan {PlanId} for {ScheduledFor:u} was left by node {Node}; run again here: {Result}",
                row.Id, row.PlanId, row.ScheduledFor, row.Node, result.Succeeded ? result.Value : result.ErrorText);
        }
        return stale.Count;
    }

    /// <summary>The set's manifest when the interrupted run had finished writing it; otherwise removes the set's objects and returns null.</summary>
    private async Task<BackupManifest?> CloseInterruptedSetAsync(BackupData row, CancellationToken ct)
    {
        try
        {
            await using var tenant = scopes.ForTenant(row.TenantId);
            await using var pool = await tenant.ServiceProvider.GetRequiredService<StoragePoolService>().OpenRepositoryAsync(row.PoolId, ct);
            if (await pool.Repository.ReadManifestAsync(row.Id, ct) is { } manifest)
                return manifest;
            await pool.Repository.DeleteSetAsync(row.Id, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The row is failed all the same; its objects were never listed as a backup and a later delete can remove them.
            logger.LogWarning(ex, "The partial objects of interrupted run {BackupId} could not be removed from pool {PoolId}", row.Id, row.PoolId);
        }
        return null;
    }

    /// <summary>Stops running backups (each is recorded as failed) and waits for them; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await _stopping.CancelAsync();
        await Task.WhenAll(_running.Values);
    }

    private int _disposed;
}
