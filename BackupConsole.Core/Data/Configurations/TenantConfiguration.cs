using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupConsole.Core.Data.Configurations;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> builder)
    {
        builder.Property(t => t.Id).HasMaxLength(32);
        builder.Property(t => t.Name).HasMaxLength(64);
        builder.Property(t => t.Remark).HasMaxLength(256);
        builder.HasIndex(t => t.Name).IsUnique();
    }
}
