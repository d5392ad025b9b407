using BackupConsole.Core.Restores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupConsole.Core.Data.Configurations;

internal sealed class RestoreJobConfiguration : IEntityTypeConfiguration<RestoreJob>
{
    public void Configure(EntityTypeBuilder<RestoreJob> builder)
    {
        builder.Property(j => j.Id).HasMaxLength(32);
        builder.Property(j => j.TenantId).HasMaxLength(32);
        builder.Property(j => j.BackupId).HasMaxLength(32);
        builder.Property(j => j.PlanId).HasMaxLength(32);
        builder.Property(j => j.PoolId).HasMaxLength(32);
        builder.Property(j => j.Mode).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.Target).HasMaxLength(1024);
        builder.Property(j => j.ReadsBackups).HasMaxLength(8192);
        builder.Property(j => j.Message).HasMaxLength(1024);
        builder.Property(j => j.Error).HasMaxLength(4096);
        builder.Property(j => j.Summary).HasMaxLength(4096);
        builder.Property(j => j.CreatedInstanceId).HasMaxLength(32);
        builder.HasIndex(j => new { j.BackupId, j.StartedAt });
        builder.Property(j => j.Node).HasMaxLength(128);
        builder.HasIndex(j => j.Status);
    }
}
