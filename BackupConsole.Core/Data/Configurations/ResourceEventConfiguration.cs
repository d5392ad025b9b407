using BackupConsole.Core.Events;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupConsole.Core.Data.Configurations;

internal sealed class ResourceEventConfiguration : IEntityTypeConfiguration<ResourceEvent>
{
    public void Configure(EntityTypeBuilder<ResourceEvent> builder)
    {
        builder.ToTable("Events");
        builder.Property(e => e.TenantId).HasMaxLength(32);
        builder.Property(e => e.ResourceId).HasMaxLength(32);
        builder.Property(e => e.Type).HasMaxLength(64);
        builder.Property(e => e.Level).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.Detail).HasMaxLength(1024);
        builder.HasIndex(e => new { e.TenantId, e.ResourceId, e.LastAt });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
