using BackupConsole.Core.Plans;
using BackupConsole.Core.Restores;

namespace BackupConsole.Api;

/// <summary>Plans, their runs and backup data, and restores under /api/v1 .</summary>
internal static class PlanEndpoints
{
    public static void MapPlanEndpoints(this RouteGroupBuilder api)
    {
        var plans = api.MapGroup("/plans").WithTags("Plans");
        plans.MapGet("/", async ([AsParameters] PlanListQuery query, PlanService service, CancellationToken ct) =>
        {
            var page = await service.ListAsync(new PlanQuery(query.Status, query.SourceKind, query.Strategy, Search: query.Search,
                Page: query.Page ?? 0, PageSize: query.PageSize ?? 20), ct);
            return new ApiPage<PlanView>(page.Items, page.Total);
        });
        plans.MapGet("/{id}", async (string id, PlanService service, CancellationToken ct) =>
            await service.GetAsync(id, ct) is { } plan ? Results.Ok(plan) : ApiResults.NotFound($"Plan {id} does not exist."));
        plans.MapPost("/", async (PlanInput input, PlanService service, CancellationToken ct) =>
            ApiResults.From(await service.CreateAsync(input, ct), p => Results.Created($"/api/v1/plans/{p.Id}", p))).RequireAuthorization(ApiPolicies.Write);
        plans.MapPut("/{id}", async (string id, PlanInput input, PlanService service, CancellationToken ct) =>
            ApiResults.From(await service.UpdateAsync(id, input, ct), Results.Ok)).RequireAuthorization(ApiPolicies.Write);
        plans.MapDelete("/{id}", async (string id, PlanService service, CancellationToken ct) =>
            ApiResults.From(await service.DeleteAsync(id, ct), Results.NoContent)).RequireAuthorization(ApiPolicies.Write);
        plans.MapPost("/{id}/execute", async (string id, PlanService service, CancellationToken ct) =>
            ApiResults.From(await service.ExecuteAsync(id, ct), backupId => Results.Accepted(value: new ExecuteResult(backupId)))).RequireAuthorization(ApiPolicies.Write);
        plans.MapPost("/{id}/pause", async (string id, PlanService service, CancellationToken ct) =>
            ApiResults.From(await service.PauseAsync(id, ct), Results.NoContent)).RequireAuthorization(ApiPolicies.Write);
        plans.MapPost("/{id}/resume", async (string id, PlanService service, CancellationToken ct) =>
            ApiResults.From(await service.ResumeAsync(id, ct), Results.NoContent)).RequireAuthorization(ApiPolicies.Write);
        plans.MapGet("/{id}/backups", async (string id, int? page, int? pageSize, PlanService service, CancellationToken ct) =>
        {
            if (await service.GetAsync(id, ct) is null)
                return ApiResults.NotFound($"Plan {id} does not exist.");
            var backups = await service.ListBackupDataAsync(id, page ?? 0, pageSize ?? 20, ct);
            return Results.Ok(new ApiPage<BackupDataView>(backups.Items, backups.Total));
        });

        var backups = api.MapGroup("/backups").WithTags("Backup data");
        backups.MapGet("/{id}/restore-options", async (string id, RestoreService service, CancellationToken ct) =>
            ApiResults.From(await service.DescribeAsync(id, ct), Results.Ok));
        backups.MapPost("/{id}/verify", async (string id, BackupDataService service, CancellationToken ct) =>
            ApiResults.From(await service.VerifyAsync(id, ct: ct), Results.Ok)).RequireAuthorization(ApiPolicies.Write);
        backups.MapDelete("/{id}", async (string id, BackupDataService service, CancellationToken ct) =>
            ApiResults.From(await service.DeleteAsync(id, ct), Results.NoContent)).RequireAuthorization(ApiPolicies.Write);

        var restores = api.MapGroup("/restores").WithTags("Restores");
        restores.MapGet("/", async (string? planId, string? poolId, RestoreService service, CancellationToken ct) =>
        {
            var items = await service.ListAsync(planId, poolId, 200, ct);
            return new ApiPage<RestoreJobView>(items, items.Count);
        });
        restores.MapGet("/{id}", async (string id, RestoreService service, CancellationToken ct) =>
            await service.GetAsync(id, ct) is { } job ? Results.Ok(job) : ApiResults.NotFound($"Restore job {id} does not exist."));
        restores.MapPost("/", async (RestoreRequest request, RestoreService service, CancellationToken ct) =>
            ApiResults.From(await service.StartAsync(request, ct), jobId => Results.Accepted($"/api/v1/restores/{jobId}", new RestoreStarted(jobId)))).RequireAuthorization(ApiPolicies.Write);
        restores.MapPost("/{id}/cancel", async (string id, RestoreService service, CancellationToken ct) =>
            ApiResults.From(await service.CancelAsync(id, ct), Results.NoContent)).RequireAuthorization(ApiPolicies.Write);
    }
}

public sealed record PlanListQuery(PlanStatus? Status, Core.Instances.InstanceKind? SourceKind, PlanStrategy? Strategy, string? Search, int? Page, int? PageSize);

public sealed record ExecuteResult(string BackupId);

public sealed record RestoreStarted(string JobId);
