using System.Net.Http.Headers;
using BackupConsole.Core.ApiTokens;
using BackupConsole.Core.Identity;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.Tenancy;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace BackupConsole.Tests.Api;

/// <summary>The whole console in-process with its own data directory, for REST API tests; tenants and tokens made through Core.</summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private ApiHost(string dataDirectory, IReadOnlyDictionary<string, string>? settings, bool listen)
    {
        DataDirectory = dataDirectory;
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Data:Directory", dataDirectory);
            web.UseSetting("Admin:Password", "Api-Adm1n-Passw0rd");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
                web.UseSetting(key, value);
            web.UseEnvironment("Production");
        });
        if (listen)
        {
            // A real socket on a free loopback port, for clients outside this process (curl in a script).
            _factory.UseKestrel(0);
            _factory.StartServer();
        }
    }

    public string DataDirectory { get; }

    public static ApiHost Start(IReadOnlyDictionary<string, string>? settings = null, bool listen = false) =>
        new(Path.Combine(Path.GetTempPath(), "bc-api-" + Guid.NewGuid().ToString("N")[..8]), settings, listen);

    /// <summary>Where a listening host serves (Start with listen: true).</summary>
    public Uri BaseAddress => _factory.ClientOptions.BaseAddress;

    public IServiceProvider Services => _factory.Services;

    public HttpClient Client(string? token = null)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<(string TenantId, string UserId)> CreateTenantAsync(string name)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantOverride>().Context = FixedTenantContext.System;
        var tenant = await scope.ServiceProvider.GetRequiredService<TenantProvisioning>().CreateAsync(name, null);
        var user = new AppUser { UserName = name + "-user", DisplayName = name, TenantId = tenant.Id, CreatedAt = DateTimeOffset.UtcNow };
        var created = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().CreateAsync(user, "Tenant-Passw0rd");
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        return (tenant.Id, user.Id);
    }

    /// <summary>Runs <paramref name="work"/> with the services of a scope acting as that tenant's user, as a signed-in page would.</summary>
    public async Task<T> AsTenantAsync<T>((string TenantId, string UserId) who, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantOverride>().Context = FixedTenantContext.ForTenant(who.TenantId, who.UserId);
        return await work(scope.ServiceProvider);
    }

    public Task<string> CreateTokenAsync((string, string) who, ApiTokenScope scope, string name) =>
        AsTenantAsync(who, async services =>
        {
            var result = await services.GetRequiredService<ApiTokenService>().CreateAsync(new ApiTokenInput(name, scope, 30));
            Assert.True(result.Succeeded, result.ErrorText);
            return result.Value!.Token;
        });

    /// <summary>As that tenant: a platform pool, <paramref name="source"/> as a file-storage instance, a manual plan, and one run of it, awaited.</summary>
    public Task<(string Pool, string Instance, string Plan, string Backup)> BackUpDirectoryAsync((string TenantId, string UserId) who, string source, string name) =>
        AsTenantAsync(who, async services =>
        {
            var pool = await services.GetRequiredService<StoragePoolService>().BindPlatformAsync(new PlatformPoolInput(name));
            var instance = await services.GetRequiredService<InstanceService>().CreateAsync(new InstanceInput(name, InstanceKind.FileStorage, Path: source));
            var plan = await services.GetRequiredService<PlanService>().CreateAsync(
                new PlanInput(name, PlanStrategy.Manual, InstanceKind.FileStorage, instance.Value!.Id, "snapshot", pool.Value!.Id, 7));
            Assert.True(plan.Succeeded, plan.ErrorText);
            var runner = services.GetRequiredService<PlanRunner>();
            var run = await runner.StartAsync(who.TenantId, plan.Value!.Id, PlanRunner.ManualTrigger);
            Assert.True(run.Succeeded, run.ErrorText);
            await runner.WaitAsync(plan.Value.Id);
            return (pool.Value.Id, instance.Value.Id, plan.Value.Id, run.Value!);
        });

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(DataDirectory))
            Directory.Delete(DataDirectory, recursive: true);
    }
}
