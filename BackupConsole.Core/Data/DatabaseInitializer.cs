using BackupConsole.Core.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupConsole.Core.Data;

/// <summary>Brings the database to the current schema and makes sure an administrator exists; run once before serving.</summary>
public static class DatabaseInitializer
{
    /// <returns>The generated one-time administrator password on a first run without a configured one, else null.</returns>
    public static async Task<string?> InitializeDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        await using (var db = scope.ServiceProvider.GetRequiredService<TenantDbFactory>().ForSystem())
        {
            await db.Database.MigrateAsync(ct);
            if (db.Database.IsSqlite())
            {
                // WAL lets the UI read while a background job writes; the setting is stored in the file.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            }
        }
        return await scope.ServiceProvider.GetRequiredService<AdminBootstrapper>().EnsureAdminAsync(ct);
    }
}
