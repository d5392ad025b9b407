using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupConsole.Core.Data.Configurations;

internal sealed class ProjectGroupConfiguration : IEntityTypeConfiguration<ProjectGroup>
{
    public void Configure(EntityTypeBuilder<ProjectGroup> builder)
    {
        builder.Property(g => g.Id).HasMaxLength(32);
        builder.Property(g => g.TenantId).HasMaxLength(32);
        builder.Property(g => g.Name).HasMaxLength(64);
        builder.HasIndex(g => new { g.TenantId, g.Name }).IsUnique();
        builder.HasOne<Tenant>().WithMany().HasForeignKey(g => g.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
