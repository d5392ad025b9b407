using BackupConsole.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackupConsole.Core.Monitoring;

/// <summary>Deletes samples older than <see cref="MonitoringOptions.MetricRetentionDays"/>, for every tenant.</summary>
public sealed class MetricRetention(TenantDbFactory dbFactory, IOptions<MonitoringOptions> options, TimeProvider clock)
{
    public async Task<int> ApplyAsync(CancellationToken ct)
    {
        await using var db = dbFactory.ForSystem();
        var before = clock.GetUtcNow().AddDays(-options.Value.MetricRetentionDays).ToUnixTimeMilliseconds();
        return await db.PlanMetrics.Where(m => m.AtMs < before).ExecuteDeleteAsync(ct);
    }
}
