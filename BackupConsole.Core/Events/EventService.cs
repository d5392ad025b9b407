using BackupConsole.Core.Data;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Core.Events;

/// <summary>The kinds of resource events are recorded for, told apart by their id's prefix.</summary>
public enum EventResourceKind
{
    Plan,
    Gateway,
    StoragePool,
    Instance,
    Alert,
}

/// <summary>The global 事件 page's filters (R-MON-3); null means any.</summary>
public sealed record EventQuery(
    EventLevel? Level = null,
    EventResourceKind? ResourceKind = null,
    string? ResourceId = null,
    string? Type = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Page = 0,
    int PageSize = 20);

public sealed record EventPage(IReadOnlyList<ResourceEvent> Items, int Total);

/// <summary>Every event of the signed-in tenant, filtered and paged on the server, newest update first.</summary>
public sealed class EventService(IDbContextFactory<BackupDbContext> dbFactory)
{
    public const int MaxPageSize = 200;

    public static string PrefixOf(EventResourceKind kind) => kind switch
    {
        EventResourceKind.Plan => ResourceIds.BackupPlan + "-",
        EventResourceKind.Gateway => ResourceIds.Gateway + "-",
        EventResourceKind.StoragePool => ResourceIds.StoragePool + "-",
        EventResourceKind.Instance => ResourceIds.Instance + "-",
        _ => ResourceIds.AlertRule + "-",
    };

    public static EventResourceKind? KindOf(string resourceId) =>
        Enum.GetValues<EventResourceKind>().Cast<EventResourceKind?>().FirstOrDefault(k => resourceId.StartsWith(PrefixOf(k!.Value), StringComparison.Ordinal));

    public async Task<EventPage> ListAsync(EventQuery query, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var rows = db.Events.AsNoTracking();
        if (query.Level is { } level)
            rows = rows.Where(e => e.Level == level);
        if (query.ResourceKind is { } kind)
        {
            var prefix = PrefixOf(kind);
            rows = rows.Where(e => e.ResourceId.StartsWith(prefix));
        }
        if (!string.IsNullOrWhiteSpace(query.ResourceId))
            rows = rows.Where(e => e.ResourceId == query.ResourceId.Trim());
        if (!string.IsNullOrWhiteSpace(query.Type))
            rows = rows.Where(e => e.Type == query.Type);
        if (query.From is { } from)
            rows = rows.Where(e => e.LastAt >= from);
        if (query.To is { } to)
            rows = rows.Where(e => e.FirstAt <= to);
        var total = await rows.CountAsync(ct);
        var size = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var items = await rows.OrderByDescending(e => e.LastAt).ThenByDescending(e => e.Id)
            .Skip(Math.Max(0, query.Page) * size).Take(size).ToListAsync(ct);
        return new EventPage(items, total);
    }

    /// <summary>The event types this tenant has, for the type filter.</summary>
    public async Task<IReadOnlyList<string>> TypesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        return await db.Events.AsNoTracking().Select(e => e.Type).Distinct().OrderBy(t => t).ToListAsync(ct);
    }
}
