using BackupConsole.Core.StoragePools;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupConsole.Core.Data.Configurations;

internal sealed class StoragePoolConfiguration : IEntityTypeConfiguration<StoragePool>
{
    public void Configure(EntityTypeBuilder<StoragePool> builder)
    {
        builder.Property(p => p.Id).HasMaxLength(32);
        builder.Property(p => p.TenantId).HasMaxLength(32);
        builder.Property(p => p.Name).HasMaxLength(StoragePool.MaxNameLength);
        builder.Property(p => p.Remark).HasMaxLength(StoragePool.MaxRemarkLength);
        builder.Property(p => p.Type).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.StatusMessage).HasMaxLength(1024);
        builder.Property(p => p.Endpoint).HasMaxLength(512);
        builder.Property(p => p.Bucket).HasMaxLength(63);
        builder.Property(p => p.AccessKey).HasMaxLength(256);
        builder.Property(p => p.EncryptionKeyId).HasMaxLength(64);
        builder.Property(p => p.CustomCaPem).HasMaxLength(65_536);
        builder.HasIndex(p => new { p.TenantId, p.Name }).IsUnique();
        builder.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
