using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Core.Data;

/// <summary>
/// The metadata database engines: SQLite embedded by default, or MySQL/MariaDB for several console nodes on
/// one database. Each engine has its own migrations: SQLite's in this assembly, MySQL's in
/// BackupConsole.Migrations.MySql (the console references it; <c>Database:Provider</c> picks).
/// </summary>
public static class DatabaseProviders
{
    public const string Sqlite = "Sqlite";
    public const string MySql = "MySql";
    /// <summary>What <c>Database.ProviderName</c> reports for MySQL.</summary>
    public const string MySqlProviderName = "MySql.EntityFrameworkCore";
    public const string MySqlMigrationsAssembly = "BackupConsole.Migrations.MySql";

    public static bool IsKnown(string provider) =>
        provider.Equals(Sqlite, StringComparison.OrdinalIgnoreCase) || provider.Equals(MySql, StringComparison.OrdinalIgnoreCase);

    public static TBuilder Use<TBuilder>(this TBuilder builder, string provider, string connectionString) where TBuilder : DbContextOptionsBuilder
    {
        if (provider.Equals(MySql, StringComparison.OrdinalIgnoreCase))
            builder.UseMySQL(connectionString, mysql => mysql.MigrationsAssembly(MySqlMigrationsAssembly))
                .ReplaceService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository, MariaDbSafeHistoryRepository>()
                .AddInterceptors(MariaDbDeleteInterceptor.Instance);
        else
            builder.UseSqlite(connectionString);
        return builder;
    }
}
