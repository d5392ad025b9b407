using System.Net;
using BackupConsole.Core.Common;
using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Localization;
using BackupConsole.Core.Tags;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.Gateways;

/// <summary>The signed-in tenant's backup gateway (R-GW-1…6): create, list, adjust bandwidth, change IP, delete.</summary>
public sealed class GatewayService(
    IDbContextFactory<BackupDbContext> dbFactory,
    TagService tags,
    EventLog events,
    GatewayLimiters limiters,
    GatewayNetwork network,
    IEnumerable<IGatewayDeletionBlocker> deletionBlockers,
    IStringLocalizer<CoreText> text,
    TimeProvider clock,
    ILogger<GatewayService> logger)
{
    public async Task<IReadOnlyList<GatewayView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var rows = await (from g in db.Gateways.AsNoTracking()
                          join pg in db.ProjectGroups on g.ProjectGroupId equals pg.Id
                          orderby g.CreatedAt
                          select new { Gateway = g, Group = pg }).ToListAsync(ct);
        var tagsById = await tags.GetTagsAsync(db, rows.Select(r => r.Gateway.Id).ToList(), ct);
        return rows.Select(r => ToView(r.Gateway, r.Group, tagsById.GetValueOrDefault(r.Gateway.Id, []))).ToList();
    }

    /// <summary>The gateway's recent events, newest first (R-MON-3's model, shown in the gateway detail).</summary>
    public async Task<IReadOnlyList<ResourceEvent>> ListEventsAsync(string gatewayId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        return await events.ListAsync(db, gatewayId, take: 20, ct);
    }

    /// <summary>The route executors use to reach external services; null when the tenant has no running gateway.</summary>
    public async Task<GatewayRoute?> GetRouteAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var gateway = await db.Gateways.AsNoTracking().SingleOrDefaultAsync(g => g.Status == GatewayStatus.Running, ct);
        return gateway is null ? null : network.RouteFor(gateway);
    }

    public async Task<OperationResult<GatewayView>> CreateAsync(GatewayInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();

        if (await db.Gateways.AsNoTracking().FirstOrDefaultAsync(ct) is { } existing)
            return OperationResult<GatewayView>.Fail("", text["Gateway.AlreadyExists", existing.Name]);

        var errors = new List<FieldError>();
        var name = input.Name.Trim();
        if (name.Length is 0 or > Gateway.MaxNameLength || name.Any(char.IsControl))
            errors.Add(new("Name", text["Gateway.NameLength", Gateway.MaxNameLength]));
        var ip = ValidateIp(input.PublicIp, errors);
        ValidateBandwidth(input.BandwidthMbps, errors);
        errors.AddRange(tags.Validate(input.Tags));
        var group = string.IsNullOrEmpty(input.ProjectGroupId)
            ? await db.ProjectGroups.SingleAsync(g => g.IsDefault, ct)
            : await db.ProjectGroups.SingleOrDefaultAsync(g => g.Id == input.ProjectGroupId, ct);
        if (group is null)
            errors.Add(new("ProjectGroupId", text["Gateway.ProjectGroupUnknown"]));
        if (errors.Count > 0)
            return OperationResult<GatewayView>.Fail(errors);

        var now = clock.GetUtcNow();
        var gateway = new Gateway
        {
            Id = ResourceIds.New(ResourceIds.Gateway),
            Name = name,
            PublicIp = ip!.ToString(),
            BandwidthMbps = input.BandwidthMbps,
            ProjectGroupId = group!.Id,
            Status = GatewayStatus.Creating,
            CreatedAt = now,
            UpdatedAt = now,
            Version = Guid.NewGuid(),
        };
        db.Gateways.Add(gateway);
        await tags.StageAsync(db, gateway.Id, input.Tags, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex)
        {
            // Another request created the tenant's gateway between the check above and this insert (R-GW-2).
            if (!await db.Gateways.AsNoTracking().AnyAsync(g => g.Id != gateway.Id, ct))
                throw;
            logger.LogInformation(ex, "Second gateway refused for tenant {TenantId}", gateway.TenantId);
            return OperationResult<GatewayView>.Fail("", text["Gateway.AlreadyExists", name]);
        }

        // Creating → Running: the limiter exists before the first stream can ask for it.
        limiters.SetRate(gateway.Id, gateway.BandwidthMbps);
        await CompleteAsync(db, gateway, "GatewayCreated", $"{gateway.Name}; {gateway.PublicIp}; {gateway.BandwidthMbps} Mbps", ct);
        logger.LogInformation("Gateway {GatewayId} created: {PublicIp}, {Mbps} Mbps", gateway.Id, gateway.PublicIp, gateway.BandwidthMbps);
        return OperationResult<GatewayView>.Ok(ToView(gateway, group, input.Tags));
    }

    /// <summary>R-GW-4: takes effect at once, also on transfers already running through the gateway.</summary>
    public async Task<OperationResult> AdjustBandwidthAsync(string gatewayId, int mbps, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        ValidateBandwidth(mbps, errors);
        if (errors.Count > 0)
            return OperationResult.Fail(errors);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var gateway = await FindChangeableAsync(db, gatewayId, ct);
        if (gateway.Error is { } refused)
            return refused;
        var before = gateway.Value!.BandwidthMbps;
        return await UpdateAsync(db, gateway.Value, g => g.BandwidthMbps = mbps,
            g => limiters.SetRate(g.Id, mbps), "GatewayBandwidthChanged", $"{before} → {mbps} Mbps", ct);
    }

    /// <summary>R-GW-5: IPv4 and IPv6 both allowed; new connections leave from the new address.</summary>
    public async Task<OperationResult> ChangePublicIpAsync(string gatewayId, string publicIp, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        var ip = ValidateIp(publicIp, errors);
        if (errors.Count > 0)
            return OperationResult.Fail(errors);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var gateway = await FindChangeableAsync(db, gatewayId, ct);
        if (gateway.Error is { } refused)
            return refused;
        var before = gateway.Value!.PublicIp;
        return await UpdateAsync(db, gateway.Value, g => g.PublicIp = ip!.ToString(), _ => { },
            "GatewayPublicIpChanged", $"{before} → {ip}", ct);
    }

    /// <summary>R-GW-6: refused while anything (external S3 pools) still needs the gateway, naming it.</summary>
    public async Task<OperationResult> DeleteAsync(string gatewayId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var gateway = await db.Gateways.SingleOrDefaultAsync(g => g.Id == gatewayId, ct);
        if (gateway is null)
            return OperationResult.NotFound(text["Gateway.NotFound"]);

        var blocking = new List<string>();
        foreach (var blocker in deletionBlockers)
            blocking.AddRange(await blocker.BlockingResourcesAsync(ct));
        if (blocking.Count > 0)
            return OperationResult.Fail("", text["Gateway.DeleteBlocked", string.Join("、", blocking)]);

        gateway.Status = GatewayStatus.Deleting;
        gateway.UpdatedAt = clock.GetUtcNow();
        gateway.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);

        limiters.Remove(gateway.Id);
        await tags.StageAsync(db, gateway.Id, [], ct);
        await events.RecordAsync(db, gateway.Id, "GatewayDeleted", EventLevel.Info, $"{gateway.Name}; {gateway.PublicIp}", ct);
        db.Gateways.Remove(gateway);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Gateway {GatewayId} deleted", gateway.Id);
        return OperationResult.Ok();
    }

    private async Task<(Gateway? Value, OperationResult? Error)> FindChangeableAsync(BackupDbContext db, string gatewayId, CancellationToken ct)
    {
        db.RequireTenant();
        var gateway = await db.Gateways.SingleOrDefaultAsync(g => g.Id == gatewayId, ct);
        if (gateway is null)
            return (null, OperationResult.NotFound(text["Gateway.NotFound"]));
        // Error is changeable too: changing the setting that failed is how an operator repairs it.
        if (gateway.Status is not (GatewayStatus.Running or GatewayStatus.Error))
            return (null, OperationResult.Fail("", text["Gateway.Busy", text["GatewayStatus." + gateway.Status]]));
        return (gateway, null);
    }

    private async Task<OperationResult> UpdateAsync(
        BackupDbContext db, Gateway gateway, Action<Gateway> change, Action<Gateway> apply, string eventType, string detail, CancellationToken ct)
    {
        gateway.Status = GatewayStatus.Updating;
        change(gateway);
        gateway.UpdatedAt = clock.GetUtcNow();
        gateway.Version = Guid.NewGuid();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return OperationResult.Fail("", text["Gateway.ChangedMeanwhile"]);
        }
        apply(gateway);
        await CompleteAsync(db, gateway, eventType, detail, ct);
        logger.LogInformation("Gateway {GatewayId}: {EventType} {Detail}", gateway.Id, eventType, detail);
        return OperationResult.Ok();
    }

    private async Task CompleteAsync(BackupDbContext db, Gateway gateway, string eventType, string detail, CancellationToken ct)
    {
        gateway.Status = GatewayStatus.Running;
        gateway.StatusMessage = null;
        gateway.UpdatedAt = clock.GetUtcNow();
        gateway.Version = Guid.NewGuid();
        await events.RecordAsync(db, gateway.Id, eventType, EventLevel.Info, detail, ct);
        await db.SaveChangesAsync(ct);
    }

    private IPAddress? ValidateIp(string? value, List<FieldError> errors)
    {
        var problem = PublicIp.TryParse(value, out var ip);
        if (problem != PublicIp.Problem.None)
            errors.Add(new("PublicIp", text["Gateway.Ip" + problem]));
        return ip;
    }

    private void ValidateBandwidth(int mbps, List<FieldError> errors)
    {
        if (mbps is < Gateway.MinBandwidthMbps or > Gateway.MaxBandwidthMbps)
            errors.Add(new("BandwidthMbps", text["Gateway.BandwidthRange", Gateway.MinBandwidthMbps, Gateway.MaxBandwidthMbps]));
    }

    private static GatewayView ToView(Gateway g, ProjectGroup group, IReadOnlyList<Tag> tagList) => new(
        g.Id, g.Name, g.Status, g.StatusMessage, g.PublicIp, g.BandwidthMbps, group.Id, group.Name, group.IsDefault, tagList,
        GatewayNetwork.IsAssignedLocally(IPAddress.Parse(g.PublicIp)), g.CreatedAt, g.UpdatedAt);
}
