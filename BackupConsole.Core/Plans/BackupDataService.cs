using System.Globalization;
using BackupConsole.Core.Common;
using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Executors;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Localization;
using BackupConsole.Core.Restores;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.StoragePools.Repository;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.Plans;

/// <summary>
/// The signed-in tenant's backup data beyond running plans: delete (R-PLAN-6), verify, the sets of one pool
/// and adopting sets found in a pool.
/// </summary>
public sealed class BackupDataService(
    IDbContextFactory<BackupDbContext> dbFactory,
    StoragePoolService pools,
    EventLog events,
    IStringLocalizer<CoreText> text,
    TimeProvider clock,
    ILogger<BackupDataService> logger)
{
    /// <summary>
    /// Deletes a backup: refused while it runs, while a restore reads it, or while another backup builds on it (the
    /// dependants are named). The row turns "deleting" first, then the pool objects go (manifest first), then the
    /// row; if the pool fails half-way the row stays "deleting" with the error and deleting again finishes the job.
    /// </summary>
    public async Task<OperationResult> DeleteAsync(string backupId, CancellationToken ct = default) =>
        await DeleteAsync(backupId, "BackupDeleted", ct);

    internal async Task<OperationResult> DeleteAsync(string backupId, string eventType, CancellationToken ct)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.RequireTenant();
            var row = await db.BackupData.SingleOrDefaultAsync(d => d.Id == backupId, ct);
            if (row is null)
                return OperationResult.NotFound(text["BackupData.NotFound"]);
            if (row.Status == BackupDataStatus.Running)
                return OperationResult.Fail("", text["BackupData.DeleteRunning", backupId]);
            var dependants = await db.BackupData.Where(d => d.ParentId == backupId && d.Status != BackupDataStatus.Failed)
                .OrderBy(d => d.StartedAt).Select(d => d.Id).ToListAsync(ct);
            if (dependants.Count > 0)
                return OperationResult.Fail("", text["BackupData.DeleteHasDependants", backupId, string.Join(", ", dependants)]);
            var marker = "," + backupId + ",";
            if (await db.RestoreJobs.AnyAsync(j => j.Status == RestoreJobStatus.Running && j.ReadsBackups.Contains(marker), ct))
                return OperationResult.Fail("", text["BackupData.DeleteRestoring", backupId]);
            row.Status = BackupDataStatus.Deleting;
            await db.SaveChangesAsync(ct);
        }
        try
        {
            await using var pool = await pools.OpenRepositoryAsync((await PoolOfAsync(backupId, ct))!, ct);
            await pool.Repository.DeleteSetAsync(backupId, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Deleting backup {BackupId} stopped half-way", backupId);
            await using var failed = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            await failed.BackupData.Where(d => d.Id == backupId).ExecuteUpdateAsync(s => s.SetProperty(d => d.Error, Truncate(text["BackupData.DeleteIncomplete", ex.Message])), CancellationToken.None);
            return OperationResult.Fail("", text["BackupData.DeleteIncomplete", ex.Message]);
        }
        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
        {
            var row = await db.BackupData.SingleAsync(d => d.Id == backupId, CancellationToken.None);
            db.BackupData.Remove(row);
            await events.RecordAsync(db, row.PlanId ?? row.PoolId, eventType, EventLevel.Info, $"{row.Id} ({row.BackupType}, {(row.FinishedAt ?? row.StartedAt):u})", CancellationToken.None);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        return OperationResult.Ok();
    }

    private async Task<string?> PoolOfAsync(string backupId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.BackupData.Where(d => d.Id == backupId).Select(d => d.PoolId).SingleOrDefaultAsync(ct);
    }

    /// <summary>Verify now: re-reads every object of the backup (and every blob a snapshot references) and checks every checksum; the result and time go on the row and into the events.</summary>
    public async Task<OperationResult<VerifyResult>> VerifyAsync(string backupId, TransferProgress? progress = null, CancellationToken ct = default)
    {
        string poolId;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.RequireTenant();
            var row = await db.BackupData.SingleOrDefaultAsync(d => d.Id == backupId, ct);
            if (row is null)
                return OperationResult<VerifyResult>.NotFound(text["BackupData.NotFound"]);
            if (row.Status != BackupDataStatus.Available)
                return OperationResult<VerifyResult>.Fail("", text["Restore.NotAvailable", backupId]);
            if (row.Verification == VerificationState.Verifying)
                return OperationResult<VerifyResult>.Fail("", text["BackupData.AlreadyVerifying", backupId]);
            row.Verification = VerificationState.Verifying;
            poolId = row.PoolId;
            await db.SaveChangesAsync(ct);
        }
        VerifyResult? result = null;
        string? error = null;
        try
        {
            await using var pool = await pools.OpenRepositoryAsync(poolId, ct);
            pool.Repository.ReadMeter = progress;
            result = await pool.Repository.VerifyAsync(backupId, pool.Key, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            error = ex.Message;
            logger.LogWarning(ex, "Verification of {BackupId} failed", backupId);
        }
        finally
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            var row = await db.BackupData.SingleAsync(d => d.Id == backupId, CancellationToken.None);
            if (result is null && error is null)
            {
                row.Verification = row.VerifiedAt is null ? VerificationState.NotVerified : row.VerificationError is null ? VerificationState.Passed : VerificationState.Failed;
            }
            else
            {
                row.Verification = error is null ? VerificationState.Passed : VerificationState.Failed;
                row.VerifiedAt = clock.GetUtcNow();
                row.VerificationError = Truncate(error);
                await events.RecordAsync(db, row.PlanId ?? row.PoolId, error is null ? "BackupVerified" : "BackupVerifyFailed",
                    error is null ? EventLevel.Info : EventLevel.Critical, error is null ? $"{backupId}: {result!.ObjectCount} objects, {result.RawBytes} bytes" : $"{backupId}: {error}",
                    CancellationToken.None);
            }
            await db.SaveChangesAsync(CancellationToken.None);
        }
        return error is null ? OperationResult<VerifyResult>.Ok(result!) : OperationResult<VerifyResult>.Fail("", text["BackupData.VerifyFailed", error]);
    }

    /// <summary>All backup data kept in one pool, newest first, with the plan that took each (none for adopted sets).</summary>
    public async Task<BackupDataPage> ListInPoolAsync(string poolId, int page = 0, int pageSize = 20, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        return await BackupDataQueries.PageAsync(db, db.BackupData.AsNoTracking().Where(d => d.PoolId == poolId), page, pageSize, ct);
    }

    public sealed record ImportResult(int Found, int Imported, int AlreadyKnown, int OfOtherPlans);

    /// <summary>
    /// Import from pool: adopts every committed set in the pool that this console has no row for, so a console
    /// rebuilt without its database can still restore them. A set whose plan still exists here joins that plan's list;
    /// the others are listed under the pool.
    /// </summary>
    public async Task<OperationResult<ImportResult>> ImportAsync(string poolId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        if (!await db.StoragePools.AnyAsync(p => p.Id == poolId, ct))
            return OperationResult<ImportResult>.NotFound(text["Pool.NotFound"]);
        var plans = await db.Plans.Where(p => p.PoolId == poolId).Select(p => p.Id).ToListAsync(ct);
        int found = 0, imported = 0, known = 0, joined = 0;
        try
        {
            await using var pool = await pools.OpenRepositoryAsync(poolId, ct);
            await foreach (var manifest in pool.Repository.ListSetsAsync(ct))
            {
                found++;
                // Ids are unique across tenants: a set another tenant's console row holds is not adopted twice.
                if (await db.BackupData.IgnoreQueryFilters().AnyAsync(d => d.Id == manifest.BackupId, ct))
                {
                    known++;
                    continue;
                }
                var planId = manifest.PlanId is { } id && plans.Contains(id) ? id : null;
                joined += planId is null ? 0 : 1;
                db.BackupData.Add(new BackupData
                {
                    Id = manifest.BackupId, PlanId = planId, PoolId = poolId, BackupType = manifest.BackupType, Status = BackupDataStatus.Available,
                    ParentId = manifest.ParentBackupId, Trigger = "import", StartedAt = manifest.StartedAt, FinishedAt = manifest.FinishedAt,
                    SourceKind = manifest.Source.Kind, SourceDescription = Truncate(manifest.Source.Description, 512),
                    SizeBytes = long.TryParse(manifest.Properties.GetValueOrDefault("bytes"), CultureInfo.InvariantCulture, out var bytes) ? bytes : manifest.RawBytes,
                    StoredBytes = manifest.StoredBytes,
                });
                imported++;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Import from pool {PoolId} failed", poolId);
            return OperationResult<ImportResult>.Fail("", text["BackupData.ImportFailed", ex.Message]);
        }
        await events.RecordAsync(db, poolId, "BackupDataImported", EventLevel.Info, $"{imported} / {found}", ct);
        await db.SaveChangesAsync(ct);
        return OperationResult<ImportResult>.Ok(new ImportResult(found, imported, known, joined));
    }

    private static string? Truncate(string? value, int length = 4000) => value is { Length: var n } && n > length ? value[..length] : value;
}
