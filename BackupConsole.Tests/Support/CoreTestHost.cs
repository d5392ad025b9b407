using BackupConsole.Core;
using BackupConsole.Core.Data;
using BackupConsole.Core.Identity;
using BackupConsole.Core.Tenancy;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Tests.Support;

/// <summary>
/// Core's real services over a throwaway data directory and metadata database, with a switchable tenant. The
/// database is a SQLite file, or with <c>BACKUPCONSOLE_TEST_METADATA=mysql</c> (or <c>postgresql</c>) a new database
/// on the test bed's MariaDB (or PostgreSQL). X-6: ./test.sh runs the Core suite on all three.
/// </summary>
public sealed class CoreTestHost : IAsyncDisposable
{
    public const string AdminPassword = "Admin-Passw0rd!";

    private readonly ServiceProvider _provider;
    private readonly AsyncServiceScope _scope;

    public const string MetadataVariable = "BACKUPCONSOLE_TEST_METADATA";

    /// <summary>The trait of the Core suite's classes: ./test.sh runs them a second time with metadata on MariaDB.</summary>
    public const string SuiteTrait = "Suite";

    public const string CoreSuite = "Core";

    private Func<Task>? _dropDatabase;

    private static string? Metadata => Environment.GetEnvironmentVariable(MetadataVariable);

    /// <summary>Whether this run keeps metadata on MariaDB rather than SQLite.</summary>
    public static bool OnMySql => string.Equals(Metadata, "mysql", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether this run keeps metadata on PostgreSQL rather than SQLite.</summary>
    public static bool OnPostgres => string.Equals(Metadata, "postgresql", StringComparison.OrdinalIgnoreCase);

    private CoreTestHost(ServiceProvider provider, string dataDirectory, TestTenantContext tenant)
    {
        _provider = provider;
        _scope = provider.CreateAsyncScope();
        DataDirectory = dataDirectory;
        Tenant = tenant;
    }

    public string DataDirectory { get; }

    public TestTenantContext Tenant { get; }

    public IServiceProvider Services => _scope.ServiceProvider;

    /// <summary>The platform administrator's tenant and user, created by the first-run bootstrap.</summary>
    public string AdminTenantId { get; private set; } = "";

    public AppUser Admin { get; private set; } = default!;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <param name="settings">Extra configuration, e.g. <c>["Admin:Password"] = ""</c> for a generated password.</param>
    public static async Task<CoreTestHost> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "bc-test-" + Guid.NewGuid().ToString("N")[..12]);
        var values = new Dictionary<string, string?>
        {
            ["Data:Directory"] = dataDirectory,
            ["Admin:Password"] = AdminPassword,
        };
        Func<Task>? dropDatabase = null;
        if (OnMySql)
        {
            var (name, connectionString) = MariaDbMetadata.Create();
            values["Database:Provider"] = DatabaseProviders.MySql;
            values["Database:ConnectionString"] = connectionString;
            dropDatabase = () => MariaDbMetadata.DropAsync(name);
        }
        else if (OnPostgres)
        {
            var (name, connectionString) = PostgresMetadata.Create();
            values["Database:Provider"] = DatabaseProviders.PostgreSql;
            values["Database:ConnectionString"] = connectionString;
            dropDatabase = () => PostgresMetadata.DropAsync(name);
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var tenant = new TestTenantContext();
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddBackupConsoleCore(configuration);
        // Background runs act for the tenant their scope names; everything else for whom the test acts as.
        collection.AddScoped<ITenantContext>(sp => sp.GetRequiredService<TenantOverride>().Context ?? tenant);
        // What the web app adds for sign-in; CheckPasswordSignInAsync needs no HTTP request.
        collection.AddHttpContextAccessor();
        collection.AddAuthentication().AddIdentityCookies();
        collection.AddIdentityCore<AppUser>().AddSignInManager();
        services?.Invoke(collection);

        var host = new CoreTestHost(collection.BuildServiceProvider(validateScopes: true), dataDirectory, tenant) { _dropDatabase = dropDatabase };
        await host.Services.InitializeDatabaseAsync();
        host.Admin = (await host.Get<UserManager<AppUser>>().FindByNameAsync("admin"))!;
        host.AdminTenantId = host.Admin.TenantId;
        return host;
    }

    public void ActAsAdmin() => Tenant.ActAs(AdminTenantId, Admin.Id, isPlatformAdmin: true);

    /// <summary>Creates a tenant and one user in it (password <paramref name="password"/>, no change required), and acts as that user.</summary>
    public async Task<(Tenant Tenant, AppUser User)> CreateTenantWithUserAsync(string name, string password = "Tenant-Passw0rd")
    {
        var created = await Get<TenantProvisioning>().CreateAsync(name, null);
        var users = Get<UserManager<AppUser>>();
        var user = new AppUser { UserName = name + "-user", DisplayName = name + " user", TenantId = created.Id, CreatedAt = DateTimeOffset.UtcNow };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        Tenant.ActAs(created.Id, user.Id);
        return (created, user);
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _provider.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_dropDatabase is not null)
            await _dropDatabase();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException ex)
        {
            // A leftover temp directory is harmless; say so rather than fail the test that already passed.
            Console.Error.WriteLine($"Could not remove {DataDirectory}: {ex.Message}");
        }
    }
}
