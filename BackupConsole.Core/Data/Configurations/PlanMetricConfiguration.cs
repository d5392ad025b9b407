using BackupConsole.Core.Monitoring;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupConsole.Core.Data.Configurations;

internal sealed class PlanMetricConfiguration : IEntityTypeConfiguration<PlanMetric>
{
    public void Configure(EntityTypeBuilder<PlanMetric> builder)
    {
        builder.Property(m => m.TenantId).HasMaxLength(32);
        builder.Property(m => m.PlanId).HasMaxLength(32);
        builder.Property(m => m.RunId).HasMaxLength(32);
        builder.HasIndex(m => new { m.PlanId, m.AtMs });
        builder.HasIndex(m => m.AtMs);
    }
}
