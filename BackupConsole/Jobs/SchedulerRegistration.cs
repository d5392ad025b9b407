using BackupConsole.Core.Cluster;
using BackupConsole.Core.Data;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Core.StoragePools;
using Quartz;

namespace BackupConsole.Jobs;

/// <summary>
/// The console's in-process Quartz scheduler and its recurring jobs. A single console keeps them in memory; clustered
/// nodes (X-6, <c>Cluster:Enabled</c>) share them through Quartz's clustered ADO.NET store in the PostgreSQL or
/// MySQL metadata database, so each trigger fires on exactly one node and a stopped node's triggers move to another.
/// </summary>
internal static class SchedulerRegistration
{
    public static IServiceCollection AddBackupConsoleScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        var pools = configuration.GetSection(StoragePoolOptions.Section).Get<StoragePoolOptions>() ?? new StoragePoolOptions();
        var instances = configuration.GetSection(InstanceOptions.Section).Get<InstanceOptions>() ?? new InstanceOptions();
        var plans = configuration.GetSection(PlanOptions.Section).Get<PlanOptions>() ?? new PlanOptions();
        var alerts = configuration.GetSection(Core.Alerts.AlertOptions.Section).Get<Core.Alerts.AlertOptions>() ?? new Core.Alerts.AlertOptions();
        var cluster = configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddQuartz(q =>
        {
            if (cluster.Enabled)
            {
                q.UsePersistentStore(store =>
                {
                    if (DatabaseProviders.Is(database.Provider, DatabaseProviders.PostgreSql))
                        store.UsePostgres(connection => connection.ConnectionString = database.ConnectionString);
                    else
                        store.UseMySqlConnector(connection => connection.ConnectionString = database.ConnectionString);
                    store.UseSystemTextJsonSerializer();
                    // Quartz's tables live beside the console's in the metadata database and are created by the first node.
                    store.ProvisionSchema();
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = TimeSpan.FromSeconds(cluster.CheckinIntervalSeconds);
                        c.CheckinMisfireThreshold = TimeSpan.FromSeconds(cluster.CheckinIntervalSeconds * 2);
                    });
                });
                q.AddJob<RunRecoveryJob>(j => j.WithIdentity(RunRecoveryJob.Key));
                q.AddTrigger(t => t
                    .ForJob(RunRecoveryJob.Key)
                    .StartAt(DateTimeOffset.UtcNow.AddSeconds(cluster.RecoverySweepSeconds))
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(cluster.RecoverySweepSeconds)).RepeatForever()));
            }
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
        // The node's Quartz instance id is the name its runs are stamped with (ClusterMembership reads it back).
        services.AddOptions<QuartzSchedulerOptions>().Configure<ConsoleNode>((o, node) => o.InstanceId = node.Id);
        services.AddHostedService<PlanScheduleStartup>();
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
