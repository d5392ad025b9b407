using BackupConsole.Core.Data;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BackupConsole.Migrations.MySql;

/// <summary>
/// Lets <c>dotnet ef migrations add X --project BackupConsole.Migrations.MySql</c> build the model for MySQL. No
/// server is contacted to add a migration; the server version only shapes the SQL generated.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<BackupDbContext>
{
    public BackupDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<BackupDbContext>()
                .Use(DatabaseProviders.MySql, "Server=127.0.0.1;Port=3306;User=design;Password=design;Database=backupconsole").Options,
            FixedTenantContext.Anonymous);
}
