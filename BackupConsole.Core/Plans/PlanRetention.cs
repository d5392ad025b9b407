using BackupConsole.Core.Data;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.Plans;

/// <summary>
/// Deletes backup data older than its plan's retention (R-PLAN-14), except backups a kept backup builds on: an
/// incremental's whole chain stays while any of its links is kept. Each deletion is an event; shared blobs no
/// remaining snapshot references are pruned after a grace period that covers running snapshots.
/// </summary>
public sealed class PlanRetention(TenantDbFactory dbFactory, TenantScopes scopes, TimeProvider clock, ILogger<PlanRetention> logger)
{
    public static readonly TimeSpan BlobGrace = TimeSpan.FromHours(6);

    public sealed record Result(int Deleted, int KeptForChains);

    public async Task<Result> ApplyAsync(CancellationToken ct)
    {
        await using var system = dbFactory.ForSystem();
        var now = clock.GetUtcNow();
        var plans = await system.Plans.AsNoTracking().Select(p => new { p.Id, p.TenantId, p.RetentionDays }).ToListAsync(ct);
        var rows = await system.BackupData.AsNoTracking().Where(d => d.Status != BackupDataStatus.Running).ToListAsync(ct);
        var retention = plans.ToDictionary(p => p.Id, p => p.RetentionDays);
        // Sets adopted from a pool without their plan have no retention: they stay until deleted by hand.
        bool Expired(BackupData d) => d.PlanId is { } plan && retention.TryGetValue(plan, out var days) && (d.FinishedAt ?? d.StartedAt) < now.AddDays(-days);

        // Everything a kept backup needs: its parent, the parent's parent, … across plans (incrementals build on their related full plan).
        var byId = rows.ToDictionary(r => r.Id);
        var needed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kept in rows.Where(r => r.Status == BackupDataStatus.Available && !Expired(r)))
        {
            var parent = kept.ParentId;
            while (parent is not null && needed.Add(parent))
                parent = byId.GetValueOrDefault(parent)?.ParentId;
        }
        var expired = rows.Where(Expired).ToList();
        var deleted = 0;
        foreach (var tenant in expired.Where(r => !needed.Contains(r.Id)).GroupBy(r => r.TenantId))
            deleted += await DeleteAsync(tenant.Key, tenant.ToList(), ct);
        return new Result(deleted, expired.Count(r => needed.Contains(r.Id)));
    }

    private async Task<int> DeleteAsync(string tenantId, IReadOnlyList<BackupData> expired, CancellationToken ct)
    {
        await using var scope = scopes.ForTenant(tenantId);
        var pools = scope.ServiceProvider.GetRequiredService<StoragePoolService>();
        var backupData = scope.ServiceProvider.GetRequiredService<BackupDataService>();
        var deleted = 0;
        foreach (var pool in expired.GroupBy(r => r.PoolId))
        {
            // Newest first: an incremental goes before the backup it builds on, which the delete rules require.
            foreach (var row in pool.OrderByDescending(r => r.FinishedAt ?? r.StartedAt))
            {
                var result = await backupData.DeleteAsync(row.Id, "BackupExpired", ct);
                if (result.Succeeded)
                    deleted++;
                else
                    // Being restored, or the pool is offline: tried again at the next check.
                    logger.LogInformation("Expired backup {BackupId} kept for now: {Reason}", row.Id, result.ErrorText);
            }
            try
            {
                await using var repository = await pools.OpenRepositoryAsync(pool.Key, ct);
                IReadOnlyCollection<EncryptionKey> keys = repository.Key is { } key ? [key] : [];
                var pruned = await BlobPruner.PruneAsync(repository.Repository, keys, BlobGrace, clock, ct);
                if (pruned.WaitingFor.Count > 0)
                    // Their blobs are freed at the pool's next prune, when more of its backups expire.
                    logger.LogInformation("Pruning blobs in pool {PoolId} waits for running snapshots {Backups}", pool.Key, string.Join(", ", pruned.WaitingFor));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The pool may be offline: unreferenced blobs are pruned at the next check.
                logger.LogWarning(ex, "Pruning blobs in pool {PoolId} stopped: {Reason}", pool.Key, ex.Message);
            }
        }
        return deleted;
    }
}
