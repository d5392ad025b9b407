using System.Security.Cryptography;
using BackupConsole.Core.Common;
using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.Localization;
using BackupConsole.Core.Security;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupConsole.Core.StoragePools;

/// <summary>The signed-in tenant's storage pools (R-POOL-1…6): bind, list, update, unbind, and open for backups.</summary>
public sealed class StoragePoolService(
    IDbContextFactory<BackupDbContext> dbFactory,
    ObjectStoreFactory stores,
    GatewayService gateways,
    StoragePoolRules rules,
    ISecretProtector secrets,
    EventLog events,
    IEnumerable<IStoragePoolDependents> dependents,
    IOptions<StoragePoolOptions> options,
    IStringLocalizer<CoreText> text,
    TimeProvider clock,
    ILogger<StoragePoolService> logger)
{
    private TimeSpan ProbeTimeout => TimeSpan.FromSeconds(options.Value.ProbeTimeoutSeconds);

    public string PlatformEndpoint => stores.PlatformEndpoint;

    public async Task<IReadOnlyList<StoragePoolView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var pools = await db.StoragePools.AsNoTracking().OrderBy(p => p.CreatedAt).ToListAsync(ct);
        var views = new List<StoragePoolView>(pools.Count);
        foreach (var pool in pools)
            views.Add(ToView(pool, await PlansUsingAsync(pool.Id, ct)));
        return views;
    }

    public async Task<OperationResult<StoragePoolView>> BindPlatformAsync(PlatformPoolInput input, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        var bucket = string.IsNullOrWhiteSpace(input.Bucket) ? StoragePool.DefaultBucket : input.Bucket.Trim();
        rules.Name(input.Name, input.Remark, errors);
        rules.Bucket(bucket, errors);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = db.RequireTenant();
        await NameFreeAsync(db, input.Name, null, errors, ct);
        if (errors.Count > 0)
            return OperationResult<StoragePoolView>.Fail(errors);

        await using (var store = stores.OpenPlatform(tenantId, bucket))
        {
            string? failure;
            try
            {
                // R-POOL-1: an empty bucket field means dbs, created on first use and reused afterwards.
                await store.EnsureBucketAsync(ct);
                failure = await PoolProbe.RunAsync(store, ProbeTimeout, ct);
            }
            catch (ObjectStoreException ex)
            {
                failure = ex.Message;
            }
            if (failure is not null)
                return OperationResult<StoragePoolView>.Fail("", text["Pool.ProbeFailed", failure]);
        }

        var pool = NewPool(input.Name, input.Remark, StoragePoolType.Platform, bucket, input.Encrypt);
        return await SaveNewAsync(db, pool, ct);
    }

    public async Task<OperationResult<StoragePoolView>> BindExternalAsync(ExternalPoolInput input, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        var bucket = input.Bucket.Trim();
        rules.Name(input.Name, input.Remark, errors);
        rules.Endpoint(input.Endpoint, errors);
        rules.Bucket(bucket, errors);
        rules.Keys(input.AccessKey, input.SecretKey, errors);
        rules.CustomCa(input.CustomCaPem, errors);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        await NameFreeAsync(db, input.Name, null, errors, ct);
        if (errors.Count > 0)
            return OperationResult<StoragePoolView>.Fail(errors);

        // R-POOL-2: external S3 is reached only through the tenant's gateway.
        var route = await gateways.GetRouteAsync(ct);
        if (route is null)
            return OperationResult<StoragePoolView>.Fail("", text["Pool.GatewayRequired"]);

        var endpoint = new Uri(input.Endpoint.Trim()).GetLeftPart(UriPartial.Authority);
        var customCa = string.IsNullOrWhiteSpace(input.CustomCaPem) ? null : input.CustomCaPem.Trim();
        await using (var store = stores.OpenExternal(endpoint, input.AccessKey.Trim(), input.SecretKey, bucket, input.ForcePathStyle, route, customCa))
        {
            if (await PoolProbe.RunAsync(store, ProbeTimeout, ct) is { } failure)
                return OperationResult<StoragePoolView>.Fail("", text["Pool.ProbeFailed", failure]);
        }

        var pool = NewPool(input.Name, input.Remark, StoragePoolType.ExternalS3, bucket, input.Encrypt);
        pool.Endpoint = endpoint;
        pool.AccessKey = input.AccessKey.Trim();
        pool.ProtectedSecretKey = secrets.Protect(input.SecretKey);
        pool.ForcePathStyle = input.ForcePathStyle;
        pool.CustomCaPem = customCa;
        return await SaveNewAsync(db, pool, ct);
    }

    /// <summary>R-POOL-4. A new key pair (external pools) is probed before it replaces the old one.</summary>
    public async Task<OperationResult> UpdateAsync(string poolId, PoolUpdateInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var pool = await db.StoragePools.SingleOrDefaultAsync(p => p.Id == poolId, ct);
        if (pool is null)
            return OperationResult.NotFound(text["Pool.NotFound"]);

        var errors = new List<FieldError>();
        rules.Name(input.Name, input.Remark, errors);
        await NameFreeAsync(db, input.Name, pool.Id, errors, ct);
        var rotate = pool.Type == StoragePoolType.ExternalS3 && !string.IsNullOrEmpty(input.SecretKey);
        if (rotate)
            rules.Keys(input.AccessKey ?? "", input.SecretKey!, errors);
        if (errors.Count > 0)
            return OperationResult.Fail(errors);

        if (rotate)
        {
            var route = await gateways.GetRouteAsync(ct);
            if (route is null)
                return OperationResult.Fail("", text["Pool.GatewayRequired"]);
            await using var store = stores.OpenExternal(pool.Endpoint!, input.AccessKey!.Trim(), input.SecretKey!, pool.Bucket, pool.ForcePathStyle, route, pool.CustomCaPem);
            if (await PoolProbe.RunAsync(store, ProbeTimeout, ct) is { } failure)
                return OperationResult.Fail("", text["Pool.ProbeFailed", failure]);
            pool.AccessKey = input.AccessKey.Trim();
            pool.ProtectedSecretKey = secrets.Protect(input.SecretKey!);
            await events.RecordAsync(db, pool.Id, "PoolKeysRotated", EventLevel.Info, pool.AccessKey, ct);
        }

        pool.Name = input.Name.Trim();
        pool.Remark = string.IsNullOrWhiteSpace(input.Remark) ? null : input.Remark.Trim();
        pool.UpdatedAt = clock.GetUtcNow();
        await events.RecordAsync(db, pool.Id, "PoolUpdated", EventLevel.Info, pool.Name, ct);
        await db.SaveChangesAsync(ct);
        return OperationResult.Ok();
    }

    /// <summary>R-POOL-5: refused while a plan writes into the pool. The backups already in the bucket stay there.</summary>
    public async Task<OperationResult> UnbindAsync(string poolId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var pool = await db.StoragePools.SingleOrDefaultAsync(p => p.Id == poolId, ct);
        if (pool is null)
            return OperationResult.NotFound(text["Pool.NotFound"]);
        var plans = await PlansUsingAsync(pool.Id, ct);
        if (plans.Count > 0)
            return OperationResult.Fail("", text["Pool.UnbindBlocked", string.Join("、", plans)]);

        await events.RecordAsync(db, pool.Id, "PoolUnbound", EventLevel.Info, $"{pool.Name}; {pool.Bucket}", ct);
        db.StoragePools.Remove(pool);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Pool {PoolId} unbound", pool.Id);
        return OperationResult.Ok();
    }

    /// <summary>The repository inside a pool, with the pool's encryption key when it has one: what executors write through.</summary>
    public async Task<PoolRepository> OpenRepositoryAsync(string poolId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var pool = await db.StoragePools.AsNoTracking().SingleOrDefaultAsync(p => p.Id == poolId, ct)
                   ?? throw new TenantAccessException($"Pool {poolId} is not one of the tenant's pools.");
        var route = pool.Type == StoragePoolType.ExternalS3 ? await gateways.GetRouteAsync(ct) : null;
        var key = EncryptionKeyOf(pool);
        var store = stores.Open(pool, route);
        var repositoryOptions = new RepositoryOptions { CompressionLevel = options.Value.CompressionLevel, Encryption = key };
        return new PoolRepository(pool.Id, new BackupRepository(store, repositoryOptions, clock), key);
    }

    private EncryptionKey? EncryptionKeyOf(StoragePool pool)
    {
        if (!pool.Encrypted)
            return null;
        if (pool.ProtectedEncryptionKey is { } protectedKey)
            return new EncryptionKey(pool.EncryptionKeyId!, Convert.FromBase64String(secrets.Unprotect(protectedKey)));
        var operatorKeyId = "operator:" + options.Value.OperatorEncryptionKeyId;
        if (pool.EncryptionKeyId != operatorKeyId || options.Value.OperatorKeyBytes is not { } operatorKey)
            throw new InvalidOperationException(
                $"Pool {pool.Id} is encrypted with key '{pool.EncryptionKeyId}', which is not configured (StoragePools:OperatorEncryptionKey).");
        return new EncryptionKey(operatorKeyId, operatorKey);
    }

    private StoragePool NewPool(string name, string? remark, StoragePoolType type, string bucket, bool encrypt)
    {
        var now = clock.GetUtcNow();
        var id = ResourceIds.New(ResourceIds.StoragePool);
        var useOperatorKey = encrypt && options.Value.OperatorKeyBytes is not null;
        return new StoragePool
        {
            Id = id,
            Name = name.Trim(),
            Remark = string.IsNullOrWhiteSpace(remark) ? null : remark.Trim(),
            Type = type,
            Bucket = bucket,
            Encrypted = encrypt,
            EncryptionKeyId = !encrypt ? null : useOperatorKey ? "operator:" + options.Value.OperatorEncryptionKeyId : "pool:" + id,
            ProtectedEncryptionKey = encrypt && !useOperatorKey
                ? secrets.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(ChunkedAesGcm.KeySize)))
                : null,
            Status = StoragePoolStatus.Online,
            CheckedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private async Task<OperationResult<StoragePoolView>> SaveNewAsync(BackupDbContext db, StoragePool pool, CancellationToken ct)
    {
        db.StoragePools.Add(pool);
        await events.RecordAsync(db, pool.Id, "PoolBound", EventLevel.Info, $"{pool.Name}; {ToView(pool, []).ObjectStorage}", ct);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Pool {PoolId} bound: {Type} {Bucket}", pool.Id, pool.Type, pool.Bucket);
        return OperationResult<StoragePoolView>.Ok(ToView(pool, []));
    }

    private async Task NameFreeAsync(BackupDbContext db, string name, string? exceptId, List<FieldError> errors, CancellationToken ct)
    {
        var trimmed = name.Trim();
        // A name already refused (control characters, length) is not looked up: PostgreSQL refuses NUL in a query.
        if (errors.Any(e => e.Field == "Name"))
            return;
        if (await db.StoragePools.AnyAsync(p => p.Name == trimmed && p.Id != exceptId, ct))
            errors.Add(new("Name", text["Pool.NameTaken", trimmed]));
    }

    private async Task<IReadOnlyList<string>> PlansUsingAsync(string poolId, CancellationToken ct)
    {
        var plans = new List<string>();
        foreach (var source in dependents)
            plans.AddRange(await source.PlansUsingAsync(poolId, ct));
        return plans;
    }

    private StoragePoolView ToView(StoragePool p, IReadOnlyList<string> plans) => new(
        p.Id, p.Name, p.Remark, p.Type, p.Status, p.StatusMessage,
        p.Type == StoragePoolType.Platform ? stores.PlatformEndpoint : p.Endpoint!,
        p.Bucket, p.AccessKey, p.Encrypted, plans, p.CheckedAt, p.CreatedAt, p.UpdatedAt);
}

/// <summary>A pool opened for reading and writing backup sets.</summary>
public sealed record PoolRepository(string PoolId, BackupRepository Repository, EncryptionKey? Key) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Repository.Store.DisposeAsync();
}
