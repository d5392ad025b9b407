using BackupConsole.Core.Data;
using BackupConsole.Core.Restores;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Core.Plans;

/// <summary>The backup data list's one query: newest first, paged on the server, with whether a restore reads each row (恢复中).</summary>
internal static class BackupDataQueries
{
    public const int MaxPageSize = 200;

    public static async Task<BackupDataPage> PageAsync(BackupDbContext db, IQueryable<BackupData> rows, int page, int pageSize, CancellationToken ct)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var total = await rows.CountAsync(ct);
        var items = await rows.OrderByDescending(d => d.StartedAt).ThenBy(d => d.Id)
            .Skip(Math.Max(0, page) * pageSize).Take(pageSize)
            .Select(d => new BackupDataView(
                d.Id, d.PlanId, d.BackupType, d.Status, d.SizeBytes, d.StoredBytes, d.StartedAt, d.FinishedAt, d.ParentId, d.Trigger, d.Error,
                d.SourceKind, d.SourceDescription, d.Verification, d.VerifiedAt, d.VerificationError,
                db.RestoreJobs.Any(j => j.Status == RestoreJobStatus.Running && j.ReadsBackups.Contains("," + d.Id + ",")),
                d.Node, d.ScheduledFor))
            .ToListAsync(ct);
        return new BackupDataPage(items, total);
    }
}
