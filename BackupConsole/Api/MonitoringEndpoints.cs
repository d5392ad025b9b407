using BackupConsole.Core.Alerts;
using BackupConsole.Core.Events;

namespace BackupConsole.Api;

/// <summary>Events and alerts under /api/v1: read-only, paged.</summary>
internal static class MonitoringEndpoints
{
    public static void MapMonitoringEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/events", async ([AsParameters] EventListQuery query, EventService service, CancellationToken ct) =>
        {
            var page = await service.ListAsync(new EventQuery(query.Level, query.ResourceKind, query.ResourceId, query.Type, query.From, query.To,
                query.Page ?? 0, query.PageSize ?? 20), ct);
            return new ApiPage<ResourceEvent>(page.Items, page.Total);
        }).WithTags("Events");
        api.MapGet("/alerts", async (AlertRecordStatus? status, int? page, int? pageSize, AlertService service, CancellationToken ct) =>
        {
            var alerts = await service.ListAlertsAsync(status, page ?? 0, pageSize ?? 20, ct);
            return new ApiPage<AlertView>(alerts.Items, alerts.Total);
        }).WithTags("Alerts");
    }
}

public sealed record EventListQuery(
    EventLevel? Level, EventResourceKind? ResourceKind, string? ResourceId, string? Type, DateTimeOffset? From, DateTimeOffset? To, int? Page, int? PageSize);
