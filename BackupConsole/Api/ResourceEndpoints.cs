using BackupConsole.Core.Gateways;
using BackupConsole.Core.Instances;
using BackupConsole.Core.StoragePools;

namespace BackupConsole.Api;

/// <summary>Gateways, storage pools and instances under /api/v1, over the services the pages use.</summary>
internal static class ResourceEndpoints
{
    public static void MapResourceEndpoints(this RouteGroupBuilder api)
    {
        var gateways = api.MapGroup("/gateways").WithTags("Gateways");
        gateways.MapGet("/", async (GatewayService service, CancellationToken ct) =>
        {
            var items = await service.ListAsync(ct);
            return new ApiPage<GatewayView>(items, items.Count);
        });
        gateways.MapGet("/{id}", async (string id, GatewayService service, CancellationToken ct) =>
            (await service.ListAsync(ct)).SingleOrDefault(g => g.Id == id) is { } gateway ? Results.Ok(gateway) : ApiResults.NotFound($"Gateway {id} does not exist."));
        gateways.MapPost("/", async (GatewayInput input, GatewayService service, CancellationToken ct) =>
            ApiResults.From(await service.CreateAsync(input, ct), g => Results.Created($"/api/v1/gateways/{g.Id}", g))).RequireAuthorization(ApiPolicies.Write);
        gateways.MapPut("/{id}/bandwidth", async (string id, BandwidthInput input, GatewayService service, CancellationToken ct) =>
            ApiResults.From(await service.AdjustBandwidthAsync(id, input.Mbps, ct), Results.NoContent)).RequireAuthorization(ApiPolicies.Write);
        gateways.MapDelete("/{id}", async (string id, GatewayService service, CancellationToken ct) =>
            ApiResults.From(await service.DeleteAsync(id, ct), Results.NoContent)).RequireAuthorization(ApiPolicies.Write);

        var pools = api.MapGroup("/pools").WithTags("Storage pools");
        pools.MapGet("/", async (StoragePoolService service, CancellationToken ct) =>
        {
            var items = await service.ListAsync(ct);
            return new ApiPage<StoragePoolView>(items, items.Count);
        });
        pools.MapGet("/{id}", async (string id, StoragePoolService service, CancellationToken ct) =>
            (await service.ListAsync(ct)).SingleOrDefault(p => p.Id == id) is { } pool ? Results.Ok(pool) : ApiResults.NotFound($"Storage pool {id} does not exist."));
        pools.MapPost("/platform", async (PlatformPoolInput input, StoragePoolService service, CancellationToken ct) =>
            ApiResults.From(await service.BindPlatformAsync(input, ct), p => Results.Created($"/api/v1/pools/{p.Id}", p))).RequireAuthorization(ApiPolicies.Write);
        pools.MapPost("/external", async (ExternalPoolInput input, StoragePoolService service, CancellationToken ct) =>
            ApiResults.From(await service.BindExternalAsync(input, ct), p => Results.Created($"/api/v1/pools/{p.Id}", p))).RequireAuthorization(ApiPolicies.Write);
        pools.MapDelete("/{id}", async (string id, StoragePoolService service, CancellationToken ct) =>
            ApiResults.From(await service.UnbindAsync(id, ct), Results.NoContent)).RequireAuthorization(ApiPolicies.Write);

        var instances = api.MapGroup("/instances").WithTags("Instances");
        instances.MapGet("/", async (InstanceKind? kind, InstanceService service, CancellationToken ct) =>
        {
            var items = await service.ListAsync(kind, ct);
            return new ApiPage<InstanceView>(items, items.Count);
        });
        instances.MapGet("/{id}", async (string id, InstanceService service, CancellationToken ct) =>
            await service.GetAsync(id, ct) is { } instance ? Results.Ok(instance) : ApiResults.NotFound($"Instance {id} does not exist."));
        instances.MapPost("/", async (InstanceInput input, InstanceService service, CancellationToken ct) =>
            ApiResults.From(await service.CreateAsync(input, ct), i => Results.Created($"/api/v1/instances/{i.Id}", i))).RequireAuthorization(ApiPolicies.Write);
        instances.MapDelete("/{id}", async (string id, InstanceService service, CancellationToken ct) =>
            ApiResults.From(await service.DeleteAsync(id, ct), Results.NoContent)).RequireAuthorization(ApiPolicies.Write);
    }
}

public sealed record BandwidthInput(int Mbps);
