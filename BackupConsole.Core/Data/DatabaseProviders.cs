using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Core.Data;

/// <summary>
/// The metadata database engines: SQLite embedded by default, or PostgreSQL or MySQL/MariaDB for several
/// console nodes on one database. Each engine has its own migrations: SQLite's in this assembly, the others in
/// BackupConsole.Migrations.PostgreSql and BackupConsole.Migrations.MySql (the console references both;
/// <c>Database:Provider</c> picks).
/// </summary>
public static class DatabaseProviders
{
    public const string Sqlite = "Sqlite";
    public const string PostgreSql = "PostgreSql";
    public const string MySql = "MySql";

    /// <summary>What <c>Database.ProviderName</c> reports for MySQL.</summary>
    public const string MySqlProviderName = "MySql.EntityFrameworkCore";
    public const string MySqlMigrationsAssembly = "BackupConsole.Migrations.MySql";
    public const string PostgreSqlMigrationsAssembly = "BackupConsole.Migrations.PostgreSql";

    public static bool IsKnown(string provider) => Is(provider, Sqlite) || Is(provider, PostgreSql) || Is(provider, MySql);

    /// <summary>Whether nodes can share this engine (the cluster's schedule lives in it): PostgreSQL and MySQL.</summary>
    public static bool IsShared(string provider) => Is(provider, PostgreSql) || Is(provider, MySql);

    public static bool Is(string provider, string engine) => provider.Equals(engine, StringComparison.OrdinalIgnoreCase);

    public static TBuilder Use<TBuilder>(this TBuilder builder, string provider, string connectionString) where TBuilder : DbContextOptionsBuilder
    {
        if (Is(provider, MySql))
            builder.UseMySQL(connectionString, mysql => mysql.MigrationsAssembly(MySqlMigrationsAssembly))
                .ReplaceService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository, MariaDbSafeHistoryRepository>()
                .AddInterceptors(MariaDbDeleteInterceptor.Instance);
        else if (Is(provider, PostgreSql))
            builder.UseNpgsql(connectionString, postgres => postgres.MigrationsAssembly(PostgreSqlMigrationsAssembly));
        else
            builder.UseSqlite(connectionString);
        return builder;
    }
}
