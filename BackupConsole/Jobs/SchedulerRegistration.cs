using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Core.StoragePools;
using Quartz;

namespace BackupConsole.Jobs;

/// <summary>The console's in-process Quartz scheduler and its recurring jobs.</summary>
internal static class SchedulerRegistration
{
    public static IServiceCollection AddBackupConsoleScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        var pools = configuration.GetSection(StoragePoolOptions.Section).Get<StoragePoolOptions>() ?? new StoragePoolOptions();
        var instances = configuration.GetSection(InstanceOptions.Section).Get<InstanceOptions>() ?? new InstanceOptions();
        var plans = configuration.GetSection(PlanOptions.Section).Get<PlanOptions>() ?? new PlanOptions();
        var alerts = configuration.GetSection(Core.Alerts.AlertOptions.Section).Get<Core.Alerts.AlertOptions>() ?? new Core.Alerts.AlertOptions();
        services.AddQuartz(q =>
        {
            q.AddJob<PoolHealthJob>(j => j.WithIdentity(PoolHealthJob.Key));
            q.AddTrigger(t => t
                .ForJob(PoolHealthJob.Key)
                .StartAt(DateTimeOffset.UtcNow.AddSeconds(5))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(pools.HealthCheckSeconds)).RepeatForever()));
            q.AddJob<InstanceHealthJob>(j => j.WithIdentity(InstanceHealthJob.Key));
            q.AddTrigger(t => t
                .ForJob(InstanceHealthJob.Key)
                .StartAt(DateTimeOffset.UtcNow.AddSeconds(3))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(instances.HealthCheckSeconds)).RepeatForever()));
            q.AddJob<PlanRetentionJob>(j => j.WithIdentity(PlanRetentionJob.Key));
            q.AddTrigger(t => t
                .ForJob(PlanRetentionJob.Key)
                .StartAt(DateTimeOffset.UtcNow.AddMinutes(1))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(plans.RetentionCheckMinutes)).RepeatForever()));
            q.AddJob<AlertEvaluationJob>(j => j.WithIdentity(AlertEvaluationJob.Key));
            q.AddTrigger(t => t
                .ForJob(AlertEvaluationJob.Key)
                .StartAt(DateTimeOffset.UtcNow.AddSeconds(10))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(alerts.EvaluateSeconds)).RepeatForever()));
            q.AddJob<MetricRetentionJob>(j => j.WithIdentity(MetricRetentionJob.Key));
            q.AddTrigger(t => t
                .ForJob(MetricRetentionJob.Key)
                .StartAt(DateTimeOffset.UtcNow.AddMinutes(3))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromHours(1)).RepeatForever()));
            q.AddJob<BackupVerificationJob>(j => j.WithIdentity(BackupVerificationJob.Key));
            q.AddTrigger(t => t
                .ForJob(BackupVerificationJob.Key)
                .StartAt(DateTimeOffset.UtcNow.AddMinutes(2))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(plans.VerificationCheckMinutes)).RepeatForever()));
        });
        services.AddHostedService<PlanScheduleStartup>();
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
