using BackupConsole.Core.Gateways;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupConsole.Core.Data.Configurations;

internal sealed class GatewayConfiguration : IEntityTypeConfiguration<Gateway>
{
    public void Configure(EntityTypeBuilder<Gateway> builder)
    {
        builder.Property(g => g.Id).HasMaxLength(32);
        builder.Property(g => g.TenantId).HasMaxLength(32);
        builder.Property(g => g.Name).HasMaxLength(Gateway.MaxNameLength);
        builder.Property(g => g.PublicIp).HasMaxLength(45);
        builder.Property(g => g.ProjectGroupId).HasMaxLength(32);
        builder.Property(g => g.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(g => g.StatusMessage).HasMaxLength(512);
        builder.Property(g => g.Version).IsConcurrencyToken();
        // R-GW-2 holds even when two requests race: the database refuses a second gateway of a tenant.
        builder.HasIndex(g => g.TenantId).IsUnique();
        builder.HasOne<Tenant>().WithMany().HasForeignKey(g => g.TenantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ProjectGroup>().WithMany().HasForeignKey(g => g.ProjectGroupId).OnDelete(DeleteBehavior.Restrict);
    }
}
