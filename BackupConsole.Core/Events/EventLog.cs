using BackupConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Core.Events;

/// <summary>Records resource events for the signed-in tenant (or the tenant a job acts for).</summary>
public sealed class EventLog(TimeProvider clock)
{
    /// <summary>An identical event within this window counts as a repeat of the earlier one.</summary>
    public static readonly TimeSpan RepeatWindow = TimeSpan.FromMinutes(10);

    /// <summary>Adds the event to <paramref name="db"/>'s unit of work; the caller's SaveChanges commits it with the change it describes.</summary>
    /// <param name="tenantId">Only for the console's own jobs, whose context spans tenants; requests use their own tenant.</param>
    public async Task RecordAsync(BackupDbContext db, string resourceId, string type, EventLevel level, string detail, CancellationToken ct, string? tenantId = null)
    {
        var now = clock.GetUtcNow();
        var since = now - RepeatWindow;
        var repeat = await db.Events
            .Where(e => e.ResourceId == resourceId && e.Type == type && e.Level == level && e.Detail == detail && e.LastAt >= since)
            .OrderByDescending(e => e.LastAt)
            .FirstOrDefaultAsync(ct);
        if (repeat is not null)
        {
            repeat.Count++;
            repeat.LastAt = now;
            return;
        }
        db.Events.Add(new ResourceEvent
        {
            TenantId = tenantId ?? "",
            ResourceId = resourceId,
            Type = type,
            Level = level,
            Detail = detail,
            FirstAt = now,
            LastAt = now,
        });
    }

    public async Task<IReadOnlyList<ResourceEvent>> ListAsync(BackupDbContext db, string? resourceId, int take, CancellationToken ct) =>
        await db.Events.AsNoTracking()
            .Where(e => resourceId == null || e.ResourceId == resourceId)
            .OrderByDescending(e => e.LastAt)
            .Take(take)
            .ToListAsync(ct);
}
