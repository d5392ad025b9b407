using BackupConsole.Core.Tags;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupConsole.Core.Data.Configurations;

internal sealed class ResourceTagConfiguration : IEntityTypeConfiguration<ResourceTag>
{
    public void Configure(EntityTypeBuilder<ResourceTag> builder)
    {
        builder.ToTable("Tags");
        builder.Property(t => t.TenantId).HasMaxLength(32);
        builder.Property(t => t.ResourceId).HasMaxLength(32);
        builder.Property(t => t.Key).HasMaxLength(TagRules.MaxKeyLength);
        builder.Property(t => t.Value).HasMaxLength(TagRules.MaxValueLength);
        builder.HasIndex(t => new { t.ResourceId, t.Key }).IsUnique();
        builder.HasIndex(t => new { t.TenantId, t.Key, t.Value });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(t => t.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
