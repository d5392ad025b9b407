using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupConsole.Core.Data.Configurations;

internal sealed class BackupPlanConfiguration : IEntityTypeConfiguration<BackupPlan>
{
    public void Configure(EntityTypeBuilder<BackupPlan> builder)
    {
        builder.Property(p => p.Id).HasMaxLength(32);
        builder.Property(p => p.TenantId).HasMaxLength(32);
        builder.Property(p => p.Name).HasMaxLength(BackupPlan.MaxNameLength);
        builder.Property(p => p.Remark).HasMaxLength(BackupPlan.MaxRemarkLength);
        builder.Property(p => p.Strategy).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.SourceKind).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.InstanceId).HasMaxLength(32);
        builder.Property(p => p.BackupType).HasMaxLength(16);
        builder.Property(p => p.Selection).HasMaxLength(8192);
        builder.Property(p => p.PoolId).HasMaxLength(32);
        builder.Property(p => p.RelatedPlanId).HasMaxLength(32);
        builder.Property(p => p.ProjectGroupId).HasMaxLength(32);
        builder.Property(p => p.TimerCycle).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.TimerDays).HasMaxLength(128);
        builder.Property(p => p.TimerTimes).HasMaxLength(256);
        builder.Property(p => p.TimeZone).HasMaxLength(64);
        builder.Property(p => p.LastRunStatus).HasConversion<string>().HasMaxLength(16);
        builder.Ignore(p => p.Timer);
        builder.HasIndex(p => new { p.TenantId, p.Name }).IsUnique();
        builder.HasIndex(p => new { p.TenantId, p.CreatedAt });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Instance>().WithMany().HasForeignKey(p => p.InstanceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<StoragePool>().WithMany().HasForeignKey(p => p.PoolId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ProjectGroup>().WithMany().HasForeignKey(p => p.ProjectGroupId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<BackupPlan>().WithMany().HasForeignKey(p => p.RelatedPlanId).OnDelete(DeleteBehavior.Restrict);
    }
}
