using BackupConsole.Core.StoragePools;
using Quartz;

namespace BackupConsole.Jobs;

/// <summary>The console's in-process Quartz scheduler and its recurring jobs.</summary>
internal static class SchedulerRegistration
{
    public static IServiceCollection AddBackupConsoleScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        var pools = configuration.GetSection(StoragePoolOptions.Section).Get<StoragePoolOptions>() ?? new StoragePoolOptions();
        services.AddQuartz(q =>
        {
            q.AddJob<PoolHealthJob>(j => j.WithIdentity(PoolHealthJob.Key));
            q.AddTrigger(t => t
                .ForJob(PoolHealthJob.Key)
                .StartAt(DateTimeOffset.UtcNow.AddSeconds(5))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(pools.HealthCheckSeconds)).RepeatForever()));
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
