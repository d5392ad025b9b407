using System.Text.Json;
using BackupConsole.Core.Data;
using BackupConsole.Core.StoragePools;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace BackupConsole.Hosting;

/// <summary>
/// <c>/healthz</c> (X-6) for a container's or load balancer's probe: the metadata database answers, the scheduler
/// runs, and the platform store is writable (pools the health job found offline make it degraded, not down).
/// Anonymous, so it says no more than counts.
/// </summary>
internal static class ConsoleHealthChecks
{
    public const string Path = "/healthz";

    public static IServiceCollection AddConsoleHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<SchedulerHealthCheck>("scheduler")
            .AddCheck<PoolsHealthCheck>("pools");
        return services;
    }

    public static void MapConsoleHealthChecks(this WebApplication app) =>
        app.MapHealthChecks(Path, new HealthCheckOptions { ResponseWriter = WriteAsync }).AllowAnonymous();

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }, cancellationToken: context.RequestAborted);
    }

    private sealed class DatabaseHealthCheck(TenantDbFactory dbFactory) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            await using var db = dbFactory.ForSystem();
            try
            {
                var tenants = await db.Tenants.CountAsync(ct);
                return HealthCheckResult.Healthy($"{tenants} tenant(s)");
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                return HealthCheckResult.Unhealthy("The metadata database does not answer.", ex);
            }
        }
    }

    private sealed class SchedulerHealthCheck(ISchedulerFactory schedulers) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            var scheduler = await schedulers.GetScheduler(ct);
            return scheduler.Status == SchedulerStatus.Running
                ? HealthCheckResult.Healthy("running")
                : HealthCheckResult.Unhealthy($"The scheduler is {scheduler.Status}: no plan will fire.");
        }
    }

    private sealed class PoolsHealthCheck(TenantDbFactory dbFactory, ObjectStoreFactory stores) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            if (stores.PlatformLocalDirectory is { } directory && !CanWrite(directory))
                return HealthCheckResult.Unhealthy("The platform store's directory cannot be written.");
            await using var db = dbFactory.ForSystem();
            var pools = await db.StoragePools.Select(p => p.Status).ToListAsync(ct);
            var offline = pools.Count(s => s == StoragePoolStatus.Offline);
            return offline == 0
                ? HealthCheckResult.Healthy($"{pools.Count} pool(s) online")
                : HealthCheckResult.Degraded($"{offline} of {pools.Count} pool(s) offline");
        }

        private static bool CanWrite(string directory)
        {
            try
            {
                Directory.CreateDirectory(directory);
                var probe = System.IO.Path.Combine(directory, $".healthz-{Guid.NewGuid():N}");
                File.WriteAllBytes(probe, []);
                File.Delete(probe);
                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }
    }
}
