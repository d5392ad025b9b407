using System.Linq.Expressions;
using BackupConsole.Core.Events;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.Identity;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.Tags;
using BackupConsole.Core.Tenancy;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BackupConsole.Core.Data;

/// <summary>The console's own database: users, tenants and every tenant-owned resource, scoped to the acting tenant.</summary>
public sealed class BackupDbContext(DbContextOptions<BackupDbContext> options, ITenantContext tenant)
    : IdentityUserContext<AppUser>(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<ProjectGroup> ProjectGroups => Set<ProjectGroup>();

    public DbSet<ResourceTag> Tags => Set<ResourceTag>();

    public DbSet<Gateway> Gateways => Set<Gateway>();

    public DbSet<ResourceEvent> Events => Set<ResourceEvent>();

    public DbSet<StoragePool> StoragePools => Set<StoragePool>();

    public DbSet<Instance> Instances => Set<Instance>();

    public DbSet<BackupPlan> Plans => Set<BackupPlan>();

    public DbSet<BackupData> BackupData => Set<BackupData>();

    public DbSet<Restores.RestoreJob> RestoreJobs => Set<Restores.RestoreJob>();

    public DbSet<Monitoring.PlanMetric> PlanMetrics => Set<Monitoring.PlanMetric>();

    public DbSet<Alerts.AlertRule> AlertRules => Set<Alerts.AlertRule>();

    public DbSet<Alerts.AlertRecord> AlertRecords => Set<Alerts.AlertRecord>();

    public DbSet<Alerts.NotificationChannel> NotificationChannels => Set<Alerts.NotificationChannel>();

    public DbSet<ApiTokens.ApiToken> ApiTokens => Set<ApiTokens.ApiToken>();

    public ITenantContext TenantContext => tenant;

    // Read by the query filters on every query, so they see the context's tenant, not the one the model was built with.
    private string? CurrentTenantId => tenant.TenantId;

    private bool SpansAllTenants => tenant.IsSystem;

    /// <summary>The acting tenant, or an exception when nobody is signed in.</summary>
    public string RequireTenant() =>
        tenant.TenantId ?? (tenant.IsSystem
            ? throw new TenantAccessException("The console's own jobs must name the tenant they act for.")
            : throw new TenantAccessException("Sign in to a tenant first."));

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(BackupDbContext).Assembly);

        foreach (var type in builder.Model.GetEntityTypes().Where(t => typeof(ITenantOwned).IsAssignableFrom(t.ClrType)))
        {
            builder.Entity(type.ClrType).HasIndex(nameof(ITenantOwned.TenantId));
            builder.Entity(type.ClrType).HasQueryFilter(TenantFilter(type.ClrType));
        }
        if (Database.ProviderName == DatabaseProviders.MySqlProviderName)
            KeepRowsWithinMySqlLimit(builder);
    }

    /// <summary>
    /// MySQL counts every VARCHAR at its full size (four bytes a character in utf8mb4) against a 64 KB row limit, so
    /// long texts (errors, descriptions, selections) are TEXT there; none of them is indexed.
    /// </summary>
    private static void KeepRowsWithinMySqlLimit(ModelBuilder builder)
    {
        foreach (var property in builder.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
            if (property.ClrType == typeof(string) && property.GetMaxLength() is > LongestVarChar && !property.IsIndex() && !property.IsKey())
                property.SetColumnType("text");
    }

    private const int LongestVarChar = 512;

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // SQLite cannot order or compare DateTimeOffset, and MySQL's DATETIME drops the offset; stored as UTC-based
        // ticks both order, compare and round-trip it.
        builder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampAndGuardTenants();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampAndGuardTenants();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    // The query filter keeps other tenants' rows out of reach; this keeps attached or hand-made entities from slipping past it.
    private void StampAndGuardTenants()
    {
        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            if (entry.State == EntityState.Added && string.IsNullOrEmpty(entry.Entity.TenantId))
                entry.Entity.TenantId = RequireTenant();

            if (!tenant.IsSystem && entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            {
                var original = entry.State == EntityState.Added
                    ? entry.Entity.TenantId
                    : (string?)entry.OriginalValues[nameof(ITenantOwned.TenantId)];
                if (original != tenant.TenantId || entry.Entity.TenantId != tenant.TenantId)
                    throw new TenantAccessException($"{entry.Metadata.ClrType.Name} belongs to another tenant.");
            }
        }
    }

    private LambdaExpression TenantFilter(Type entityType)
    {
        var entity = Expression.Parameter(entityType, "e");
        var context = Expression.Constant(this);
        var ownTenant = Expression.Equal(
            Expression.Property(entity, nameof(ITenantOwned.TenantId)),
            Expression.Property(context, nameof(CurrentTenantId)));
        var body = Expression.OrElse(Expression.Property(context, nameof(SpansAllTenants)), ownTenant);
        return Expression.Lambda(body, entity);
    }
}
