using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BackupConsole.Core.Data;

/// <summary>Lets <c>dotnet ef</c> build the model without starting the app.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<BackupDbContext>
{
    public BackupDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<BackupDbContext>().UseSqlite("Data Source=design-time.db").Options,
            FixedTenantContext.Anonymous);
}
