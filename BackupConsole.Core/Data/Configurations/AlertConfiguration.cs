using BackupConsole.Core.Alerts;
using BackupConsole.Core.Plans;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupConsole.Core.Data.Configurations;

internal sealed class AlertRuleConfiguration : IEntityTypeConfiguration<AlertRule>
{
    public void Configure(EntityTypeBuilder<AlertRule> builder)
    {
        builder.Property(r => r.Id).HasMaxLength(32);
        builder.Property(r => r.TenantId).HasMaxLength(32);
        builder.Property(r => r.PlanId).HasMaxLength(32);
        builder.Property(r => r.Metric).HasConversion<string>().HasMaxLength(32);
        builder.Property(r => r.Comparison).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.ChannelIds).HasMaxLength(1024);
        builder.HasIndex(r => r.PlanId);
        builder.HasOne<BackupPlan>().WithMany().HasForeignKey(r => r.PlanId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AlertRecordConfiguration : IEntityTypeConfiguration<AlertRecord>
{
    public void Configure(EntityTypeBuilder<AlertRecord> builder)
    {
        builder.Property(a => a.TenantId).HasMaxLength(32);
        builder.Property(a => a.RuleId).HasMaxLength(32);
        builder.Property(a => a.PlanId).HasMaxLength(32);
        builder.Property(a => a.Metric).HasConversion<string>().HasMaxLength(32);
        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Delivery).HasMaxLength(4096);
        builder.HasIndex(a => new { a.Status, a.FiredAt });
    }
}

internal sealed class NotificationChannelConfiguration : IEntityTypeConfiguration<NotificationChannel>
{
    public void Configure(EntityTypeBuilder<NotificationChannel> builder)
    {
        builder.Property(c => c.Id).HasMaxLength(32);
        builder.Property(c => c.TenantId).HasMaxLength(32);
        builder.Property(c => c.Name).HasMaxLength(NotificationChannel.MaxNameLength);
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Url).HasMaxLength(2048);
        builder.Property(c => c.ProtectedSecret).HasMaxLength(2048);
        builder.Property(c => c.Recipients).HasMaxLength(2048);
        builder.HasIndex(c => new { c.TenantId, c.Name }).IsUnique();
    }
}
