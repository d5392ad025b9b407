using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Gateways;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupConsole.Core.Instances;

/// <summary>Checks every tenant's instances: online when they answer, offline otherwise; each change is an event and is passed on to the plans.</summary>
public sealed class InstanceHealth(
    TenantDbFactory dbFactory,
    InstanceProbe probe,
    GatewayNetwork network,
    EventLog events,
    IEnumerable<IInstanceStatusListener> listeners,
    IOptions<InstanceOptions> options,
    TimeProvider clock,
    ILogger<InstanceHealth> logger)
{
    public async Task CheckAllAsync(CancellationToken ct)
    {
        await using var db = dbFactory.ForSystem();
        var instances = await db.Instances.ToListAsync(ct);
        var gateways = await db.Gateways.AsNoTracking().Where(g => g.Status == GatewayStatus.Running).ToDictionaryAsync(g => g.TenantId, ct);
        var timeout = TimeSpan.FromSeconds(options.Value.ProbeTimeoutSeconds);
        // Checked a few at a time: one unreachable host must not hold up everybody else's status for its whole timeout.
        var problems = new System.Collections.Concurrent.ConcurrentDictionary<string, string?>();
        await Parallel.ForEachAsync(instances, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (instance, token) =>
        {
            var route = gateways.TryGetValue(instance.TenantId, out var gateway) ? network.RouteFor(gateway) : null;
            problems[instance.Id] = instance.External && route is null
                ? "no running backup gateway"
                : await probe.CheckAsync(instance, route, timeout, token);
        });
        var now = clock.GetUtcNow();
        var changed = new List<Instance>();
        foreach (var instance in instances)
        {
            var problem = problems[instance.Id];
            var status = problem is null ? InstanceStatus.Online : InstanceStatus.Offline;
            instance.CheckedAt = now;
            instance.StatusMessage = problem;
            if (status == instance.Status)
                continue;
            var wasKnown = instance.Status != InstanceStatus.Unknown;
            instance.Status = status;
            if (wasKnown || status == InstanceStatus.Offline)
            {
                await events.RecordAsync(db, instance.Id, status == InstanceStatus.Online ? "InstanceOnline" : "InstanceOffline",
                    status == InstanceStatus.Online ? EventLevel.Info : EventLevel.Warning, problem ?? instance.Name, ct, instance.TenantId);
                logger.LogWarning("Instance {InstanceId} is now {Status}: {Problem}", instance.Id, status, problem);
            }
            changed.Add(instance);
            foreach (var listener in listeners)
                await listener.OnStatusChangedAsync(db, instance, ct);
        }
        await db.SaveChangesAsync(ct);
        if (changed.Count > 0)
            foreach (var listener in listeners)
                await listener.AfterSavedAsync(changed, ct);
    }
}
