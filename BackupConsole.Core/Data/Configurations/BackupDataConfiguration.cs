using BackupConsole.Core.Plans;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupConsole.Core.Data.Configurations;

internal sealed class BackupDataConfiguration : IEntityTypeConfiguration<BackupData>
{
    public void Configure(EntityTypeBuilder<BackupData> builder)
    {
        builder.Property(d => d.Id).HasMaxLength(32);
        builder.Property(d => d.TenantId).HasMaxLength(32);
        builder.Property(d => d.PlanId).HasMaxLength(32);
        builder.Property(d => d.PoolId).HasMaxLength(32);
        builder.Property(d => d.BackupType).HasMaxLength(16);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.ParentId).HasMaxLength(32);
        builder.Property(d => d.Trigger).HasMaxLength(16);
        builder.Property(d => d.Error).HasMaxLength(4096);
        builder.Property(d => d.SourceKind).HasMaxLength(32);
        builder.Property(d => d.SourceDescription).HasMaxLength(512);
        builder.Property(d => d.Verification).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.VerificationError).HasMaxLength(4096);
        builder.HasIndex(d => new { d.PoolId, d.StartedAt });
        builder.HasIndex(d => new { d.PlanId, d.StartedAt });
        builder.Property(d => d.Node).HasMaxLength(128);
        builder.Property(d => d.RunningPlanId).HasMaxLength(32);
        builder.HasIndex(d => d.Status);
        builder.HasIndex(d => d.RunningPlanId).IsUnique();
        builder.HasOne<BackupPlan>().WithMany().HasForeignKey(d => d.PlanId).OnDelete(DeleteBehavior.Restrict);
    }
}
