using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.StoragePools.ObjectStores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupConsole.Core.StoragePools;

/// <summary>Checks every tenant's pools (R-POOL-3): online when the bucket answers, offline otherwise, with an event on each change.</summary>
public sealed class StoragePoolHealth(
    TenantDbFactory dbFactory,
    ObjectStoreFactory stores,
    GatewayNetwork network,
    EventLog events,
    IOptions<StoragePoolOptions> options,
    TimeProvider clock,
    ILogger<StoragePoolHealth> logger)
{
    public async Task CheckAllAsync(CancellationToken ct)
    {
        await using var db = dbFactory.ForSystem();
        var pools = await db.StoragePools.ToListAsync(ct);
        var gateways = await db.Gateways.AsNoTracking().Where(g => g.Status == GatewayStatus.Running).ToDictionaryAsync(g => g.TenantId, ct);

        foreach (var pool in pools)
        {
            var route = gateways.TryGetValue(pool.TenantId, out var gateway) ? network.RouteFor(gateway) : null;
            var problem = await CheckAsync(pool, route, ct);
            var status = problem is null ? StoragePoolStatus.Online : StoragePoolStatus.Offline;
            pool.CheckedAt = clock.GetUtcNow();
            if (status == pool.Status)
                continue;
            pool.Status = status;
            pool.StatusMessage = problem;
            pool.UpdatedAt = clock.GetUtcNow();
            await events.RecordAsync(db, pool.Id, status == StoragePoolStatus.Online ? "PoolOnline" : "PoolOffline",
                status == StoragePoolStatus.Online ? EventLevel.Info : EventLevel.Warning, problem ?? pool.Name, ct, pool.TenantId);
            logger.LogWarning("Pool {PoolId} is now {Status}: {Problem}", pool.Id, status, problem);
        }
        await db.SaveChangesAsync(ct);
    }

    private async Task<string?> CheckAsync(StoragePool pool, GatewayRoute? route, CancellationToken ct)
    {
        if (pool.Type == StoragePoolType.ExternalS3 && route is null)
            return "no running backup gateway";
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(options.Value.ProbeTimeoutSeconds));
        try
        {
            await using var store = stores.Open(pool, route);
            return await store.BucketExistsAsync(limit.Token) ? null : $"bucket {pool.Bucket} does not exist";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return "no answer within the probe timeout";
        }
        catch (Exception ex) when (ex is ObjectStoreException or HttpRequestException or IOException or Amazon.Runtime.AmazonClientException
                                       or System.Security.Cryptography.CryptographicException)
        {
            return ex.Message;
        }
    }
}
