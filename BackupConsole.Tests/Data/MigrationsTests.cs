using BackupConsole.Core.Data;
using BackupConsole.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Tests.Data;

/// <summary>The schema comes from checked-in migrations (not EnsureCreated), and they match the model.</summary>
[Trait(CoreTestHost.SuiteTrait, CoreTestHost.CoreSuite)]
public sealed class MigrationsTests
{
    [Fact]
    public async Task The_model_has_no_changes_missing_from_the_migrations()
    {
        await using var host = await CoreTestHost.StartAsync();
        await using var db = host.Get<TenantDbFactory>().ForSystem();

        Assert.False(db.Database.HasPendingModelChanges());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_migrated_database_has_every_table()
    {
        await using var host = await CoreTestHost.StartAsync();
        await using var db = host.Get<TenantDbFactory>().ForSystem();

        var tables = await db.Database.SqlQueryRaw<string>(
                CoreTestHost.OnMySql ? "SELECT table_name AS Value FROM information_schema.tables WHERE table_schema = DATABASE()"
                : CoreTestHost.OnPostgres ? "SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_schema = current_schema()"
                : "SELECT name AS Value FROM sqlite_master WHERE type = 'table'")
            .ToListAsync(TestContext.Current.CancellationToken);

        Assert.Superset(new HashSet<string> { "Tenants", "ProjectGroups", "Tags", "AspNetUsers", "Gateways", "Events", "StoragePools" }, tables.ToHashSet());
    }
}
