using BackupConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Core.Monitoring;

/// <summary>One point of the four charts: when, CPU %, memory bytes, network in and out in bytes per second.</summary>
public sealed record MetricPoint(long AtMs, double CpuPercent, long MemoryBytes, double NetInBytesPerSecond, double NetOutBytesPerSecond);

/// <summary>The signed-in tenant's plan metrics for the 监控 tab (R-MON-1).</summary>
public sealed class MonitoringService(IDbContextFactory<BackupDbContext> dbFactory)
{
    /// <summary>Points a chart is given at most; longer ranges are averaged into this many buckets.</summary>
    public const int MaxPoints = 400;

    public async Task<IReadOnlyList<MetricPoint>> SeriesAsync(string planId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        long fromMs = from.ToUnixTimeMilliseconds(), toMs = to.ToUnixTimeMilliseconds();
        var rows = db.PlanMetrics.AsNoTracking().Where(m => m.PlanId == planId && m.AtMs >= fromMs && m.AtMs <= toMs);
        var count = await rows.CountAsync(ct);
        if (count <= MaxPoints)
        {
            return await rows.OrderBy(m => m.AtMs)
                .Select(m => new MetricPoint(m.AtMs, m.CpuPercent, m.MemoryBytes, m.NetInBytesPerSecond, m.NetOutBytesPerSecond))
                .ToListAsync(ct);
        }
        // Averaged per bucket in SQL, so a week of samples never crosses the wire whole.
        var bucket = Math.Max(1, (toMs - fromMs) / MaxPoints);
        return await rows.GroupBy(m => (m.AtMs - fromMs) / bucket)
            .Select(g => new MetricPoint(fromMs + g.Key * bucket + bucket / 2, g.Average(m => m.CpuPercent), (long)g.Average(m => m.MemoryBytes),
                g.Average(m => m.NetInBytesPerSecond), g.Average(m => m.NetOutBytesPerSecond)))
            .OrderBy(p => p.AtMs)
            .ToListAsync(ct);
    }
}
