using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Executors;
using BackupConsole.Core.Executors.Files;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.Executors.Objects;
using BackupConsole.Core.Executors.Redis;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.Identity;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Core.Security;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.Tags;
using BackupConsole.Core.Tenancy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;

namespace BackupConsole.Core;

/// <summary>Registers the domain: database, identity stores, secret protection and the services of every feature.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>The host must also register an <see cref="ITenantContext"/> (the web app derives it from the signed-in user).</summary>
    public static IServiceCollection AddBackupConsoleCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DataOptions>().Bind(configuration.GetSection(DataOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section))
            .Validate(o => DatabaseProviders.IsKnown(o.Provider), "Database:Provider must be Sqlite, PostgreSql or MySql.")
            .Validate(o => !DatabaseProviders.IsShared(o.Provider) || o.ConnectionString.Length > 0,
                "Database:ConnectionString is required for PostgreSql (Host=…;Port=…;Username=…;Password=…;Database=…) and MySql (Server=…;Port=…;User=…;Password=…;Database=…).")
            .ValidateOnStart();
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.Section))
            .Validate(o => o.UserName.Length > 0 && o.TenantName.Length > 0, "Admin:UserName and Admin:TenantName must not be empty.")
            .ValidateOnStart();
        services.AddOptions<SignInSecurityOptions>().Bind(configuration.GetSection(SignInSecurityOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();

        // The data directory is needed to wire the database and the key ring, before options can be resolved.
        var data = configuration.GetSection(DataOptions.Section).Get<DataOptions>() ?? new DataOptions();
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        Directory.CreateDirectory(data.FullDirectory);

        services.TryAddSingleton(TimeProvider.System);
        services.AddLocalization();

        var connectionString = database.ResolveConnectionString(data);
        // Scoped, so each context is built with the scope's tenant context.
        services.AddDbContextFactory<BackupDbContext>(o => o.Use(database.Provider, connectionString), ServiceLifetime.Scoped);
        services.AddScoped<TenantDbFactory>();

        services.AddDataProtection()
            .SetApplicationName("BackupConsole")
            .PersistKeysToFileSystem(new DirectoryInfo(data.KeyRingDirectory));
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();

        services.AddIdentityCore<AppUser>()
            .AddEntityFrameworkStores<BackupDbContext>()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<AppUserClaimsPrincipalFactory>()
            .AddErrorDescriber<LocalizedIdentityErrorDescriber>();
        services.AddScoped<IUserConfirmation<AppUser>, AccountEnabledConfirmation>();
        services.AddOptions<IdentityOptions>().Configure<IOptions<SignInSecurityOptions>>((identity, security) =>
        {
            var s = security.Value;
            identity.Password.RequiredLength = s.PasswordMinLength;
            identity.Password.RequireDigit = s.PasswordRequireDigit;
            identity.Password.RequireUppercase = s.PasswordRequireUppercase;
            identity.Password.RequireLowercase = s.PasswordRequireLowercase;
            identity.Password.RequireNonAlphanumeric = s.PasswordRequireSymbol;
            identity.Lockout.AllowedForNewUsers = true;
            identity.Lockout.MaxFailedAccessAttempts = s.LockoutMaxFailedAttempts;
            identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(s.LockoutMinutes);
            identity.User.RequireUniqueEmail = false;
            // Asks AccountEnabledConfirmation on every sign-in: disabled users and tenants are refused.
            identity.SignIn.RequireConfirmedAccount = true;
        });

        services.AddScoped<TenantOverride>();
        services.AddSingleton<TenantScopes>();
        services.AddScoped<TenantProvisioning>();
        services.AddScoped<TenantAdminService>();
        services.AddScoped<ProjectGroupService>();
        services.AddScoped<AccountService>();
        services.AddScoped<AdminBootstrapper>();
        services.AddScoped<TagRules>();
        services.AddScoped<TagService>();
        services.AddSingleton<EventLog>();
        services.AddScoped<EventService>();

        services.AddSingleton<GatewayLimiters>();
        services.AddSingleton<GatewayNetwork>();
        services.AddScoped<GatewayService>();

        services.AddOptions<StoragePoolOptions>().Bind(configuration.GetSection(StoragePoolOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PlatformStorageOptions>().Bind(configuration.GetSection(PlatformStorageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ObjectStoreFactory>();
        services.AddScoped<StoragePoolRules>();
        services.AddScoped<StoragePoolService>();
        services.AddScoped<StoragePoolHealth>();
        services.AddScoped<IGatewayDeletionBlocker, ExternalPoolsNeedTheGateway>();

        services.AddSingleton<MySqlLogicalBackup>();
        services.AddSingleton<MySqlLogicalRestore>();
        services.AddSingleton<MariaBackupPhysical>();
        services.AddOptions<MySqlSnapshotOptions>().Bind(configuration.GetSection(MySqlSnapshotOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MySqlSnapshotBackup>();
        services.AddSingleton<MySqlDataDirectoryRestore>();
        services.AddSingleton<MySqlBackupRunner>();
        services.AddSingleton<RedisLogicalBackup>();
        services.AddSingleton<RedisLogicalRestore>();
        services.AddSingleton<RedisBackupRunner>();
        services.AddSingleton<FileSnapshotBackup>();
        services.AddSingleton<FileSnapshotRestore>();
        services.AddSingleton<FileSnapshotRunner>();
        services.AddSingleton<ObjectSnapshotBackup>();
        services.AddSingleton<ObjectSnapshotRestore>();
        services.AddSingleton<ObjectSnapshotRunner>();

        services.AddOptions<InstanceOptions>().Bind(configuration.GetSection(InstanceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<InstanceConnections>();
        services.AddSingleton<InstanceProbe>();
        services.AddSingleton<InstanceCapabilities>();
        services.AddScoped<InstanceService>();
        services.AddScoped<InstanceHealth>();

        services.AddOptions<PlanOptions>().Bind(configuration.GetSection(PlanOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        // The scheduler's store is in memory and rebuilt from the plans at start (PlanScheduler.RebuildAsync).
        services.AddQuartz();
        services.AddOptions<Cluster.ClusterOptions>().Bind(configuration.GetSection(Cluster.ClusterOptions.Section)).ValidateDataAnnotations()
            .Validate(o => !o.Enabled || DatabaseProviders.IsShared(database.Provider),
                "Cluster:Enabled needs Database:Provider = PostgreSql or MySql: the nodes share their schedule through the metadata database.")
            .ValidateOnStart();
        services.AddSingleton<Cluster.ConsoleNode>();
        services.AddSingleton<Cluster.ClusterMembership>();
        services.AddSingleton<PlanRunner>();
        services.AddSingleton<PlanScheduler>();
        services.AddSingleton<IPlanSchedule>(sp => sp.GetRequiredService<PlanScheduler>());
        services.AddSingleton<PlanTimerText>();
        services.AddScoped<PlanService>();
        services.AddScoped<PlanRetention>();
        services.AddScoped<PlanDependents>();
        services.AddScoped<BackupDataService>();
        services.AddScoped<BackupVerification>();

        services.AddOptions<Monitoring.MonitoringOptions>().Bind(configuration.GetSection(Monitoring.MonitoringOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Monitoring.MetricsSampler>();
        services.AddScoped<Monitoring.MonitoringService>();
        services.AddScoped<Monitoring.MetricRetention>();

        services.AddOptions<Alerts.AlertOptions>().Bind(configuration.GetSection(Alerts.AlertOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(Alerts.AlertNotifier.HttpClientName);
        services.AddSingleton<Alerts.AlertNotifier>();
        services.AddScoped<Alerts.AlertEvaluator>();
        services.AddScoped<Alerts.AlertService>();
        services.AddScoped<ApiTokens.ApiTokenService>();

        services.AddOptions<Restores.RestoreOptions>().Bind(configuration.GetSection(Restores.RestoreOptions.Section));
        services.AddSingleton<Restores.RestoreRunner>();
        services.AddScoped<Restores.RestoreService>();
        services.AddScoped<IStoragePoolDependents>(sp => sp.GetRequiredService<PlanDependents>());
        services.AddScoped<IInstanceDependents>(sp => sp.GetRequiredService<PlanDependents>());
        services.AddScoped<IInstanceStatusListener, PlansFollowTheirSource>();
        return services;
    }
}
