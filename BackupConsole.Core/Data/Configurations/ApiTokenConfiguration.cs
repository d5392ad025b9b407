using BackupConsole.Core.ApiTokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupConsole.Core.Data.Configurations;

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.Property(t => t.Id).HasMaxLength(32);
        builder.Property(t => t.TenantId).HasMaxLength(32);
        builder.Property(t => t.Name).HasMaxLength(64);
        builder.Property(t => t.Scope).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.SecretHash).HasMaxLength(32);
        builder.Property(t => t.CreatedBy).HasMaxLength(64);
    }
}
