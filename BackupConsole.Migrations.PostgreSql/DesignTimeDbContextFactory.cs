using BackupConsole.Core.Data;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BackupConsole.Migrations.PostgreSql;

/// <summary>
/// Lets <c>dotnet ef migrations add X --project BackupConsole.Migrations.PostgreSql</c> build the model for
/// PostgreSQL. No server is contacted to add a migration.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<BackupDbContext>
{
    public BackupDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<BackupDbContext>()
                .Use(DatabaseProviders.PostgreSql, "Host=127.0.0.1;Port=5432;Username=design;Password=design;Database=backupconsole").Options,
            FixedTenantContext.Anonymous);
}
