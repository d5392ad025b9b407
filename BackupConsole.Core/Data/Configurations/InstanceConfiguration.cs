using BackupConsole.Core.Instances;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupConsole.Core.Data.Configurations;

internal sealed class InstanceConfiguration : IEntityTypeConfiguration<Instance>
{
    public void Configure(EntityTypeBuilder<Instance> builder)
    {
        builder.Property(i => i.Id).HasMaxLength(32);
        builder.Property(i => i.TenantId).HasMaxLength(32);
        builder.Property(i => i.Name).HasMaxLength(Instance.MaxNameLength);
        builder.Property(i => i.Remark).HasMaxLength(Instance.MaxRemarkLength);
        builder.Property(i => i.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.StatusMessage).HasMaxLength(1024);
        builder.Property(i => i.Region).HasMaxLength(64);
        builder.Property(i => i.ProjectGroupId).HasMaxLength(32);
        builder.Property(i => i.Host).HasMaxLength(512);
        builder.Property(i => i.UserName).HasMaxLength(256);
        builder.Property(i => i.DataDirectory).HasMaxLength(4096);
        builder.Property(i => i.Bucket).HasMaxLength(63);
        builder.Property(i => i.Prefix).HasMaxLength(512);
        builder.Property(i => i.Path).HasMaxLength(4096);
        builder.HasIndex(i => new { i.TenantId, i.Name }).IsUnique();
        builder.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ProjectGroup>().WithMany().HasForeignKey(i => i.ProjectGroupId).OnDelete(DeleteBehavior.Restrict);
    }
}
