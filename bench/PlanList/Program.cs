// Issue #7's scale bench: seeds 10,000 plans for one tenant and prints the plan list page's server render time (the
// page component rendered until its first 20 rows are in the markup, PlanPageRender) and the list query under the
// page's filters and paging (PlanService.ListAsync), as p50/p95 over repeated loads, and the scheduler's start with
// 10,000 plans (triggers rebuilt from the plans, PlanScheduler.RebuildAsync). Target: p95 under 150 ms.
using System.Diagnostics;
using BackupConsole.Core;
using BackupConsole.Core.Data;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.Tenancy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var count = args.Length > 0 ? int.Parse(args[0]) : 10_000;
var directory = Path.Combine(Path.GetTempPath(), "bc-bench-plans-" + Guid.NewGuid().ToString("N")[..8]);
try
{
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Data:Directory"] = directory,
        ["Admin:Password"] = "Bench-Adm1n-Password",
    }).Build();
    var tenant = new TenantHolder();
    var services = new ServiceCollection()
        .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
        .AddSingleton<IConfiguration>(configuration);
    services.AddBackupConsoleCore(configuration);
    services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<TenantOverride>().Context ?? tenant.Context);
    await using var provider = services.BuildServiceProvider();
    await provider.InitializeDatabaseAsync();
    await using var scope = provider.CreateAsyncScope();
    var sp = scope.ServiceProvider;

    var created = await sp.GetRequiredService<TenantProvisioning>().CreateAsync("bench", null);
    tenant.Context = FixedTenantContext.ForTenant(created.Id);
    var pool = (await sp.GetRequiredService<StoragePoolService>().BindPlatformAsync(new PlatformPoolInput("main", null, null))).Value!;
    var instance = (await sp.GetRequiredService<InstanceService>().CreateAsync(new InstanceInput("files", InstanceKind.FileStorage, Path: directory))).Value!;
    var group = (await sp.GetRequiredService<ProjectGroupService>().GetDefaultAsync()).Id;

    var seed = Stopwatch.StartNew();
    await using (var db = sp.GetRequiredService<TenantDbFactory>().ForTenant(created.Id))
    {
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var plan = new BackupPlan
            {
                Id = ResourceIds.New(ResourceIds.BackupPlan), Name = $"plan-{i:00000}", InstanceId = instance.Id, BackupType = "snapshot",
                PoolId = pool.Id, ProjectGroupId = group, RetentionDays = 7, Strategy = i % 10 == 0 ? PlanStrategy.Manual : PlanStrategy.Scheduled,
                SourceKind = InstanceKind.FileStorage, Paused = i % 7 == 0, LastRunAt = now, CreatedAt = now.AddSeconds(-i), UpdatedAt = now,
            };
            plan.Timer = PlanTimer.Daily("Asia/Shanghai", new TimeOnly(i % 24, i % 60));
            db.Plans.Add(plan);
        }
        await db.SaveChangesAsync();
    }
    Console.WriteLine($"Seeded {count} plans in {seed.Elapsed.TotalSeconds:0.0} s.");

    var plans = sp.GetRequiredService<PlanService>();
    var queries = new (string Name, PlanQuery Query)[]
    {
        ("first page (20)", new PlanQuery()),
        ("page 250 (20)", new PlanQuery(Page: 250)),
        ("status = paused", new PlanQuery(Status: PlanStatus.Paused)),
        ("search \"plan-0123\"", new PlanQuery(Search: "plan-0123")),
        ("strategy = manual, 100 rows", new PlanQuery(Strategy: PlanStrategy.Manual, PageSize: 100)),
    };
    Console.WriteLine();
    Console.WriteLine($"{"plan list query",-30} {"p50 ms",8} {"p95 ms",8}  result (target p95 < 150 ms)");
    var failed = false;
    foreach (var (name, query) in queries)
    {
        await plans.ListAsync(query); // warm-up: compile the query once
        var times = new List<double>();
        for (var i = 0; i < 40; i++)
        {
            var watch = Stopwatch.StartNew();
            var page = await plans.ListAsync(query);
            times.Add(watch.Elapsed.TotalMilliseconds);
            if (page.Items.Count == 0)
                throw new InvalidOperationException($"{name} found nothing");
        }
        times.Sort();
        var p50 = times[times.Count / 2];
        var p95 = times[(int)Math.Ceiling(times.Count * 0.95) - 1];
        failed |= p95 >= 150;
        Console.WriteLine($"{name,-30} {p50,8:0.0} {p95,8:0.0}  {(p95 < 150 ? "PASS" : "FAIL")}");
    }

    var render = await PlanPageRender.MeasureAsync(sp, 30);
    render.Sort();
    var renderP50 = render[render.Count / 2];
    var renderP95 = render[(int)Math.Ceiling(render.Count * 0.95) - 1];
    failed |= renderP95 >= 150;
    Console.WriteLine();
    Console.WriteLine($"{"plan list page render",-30} {renderP50,8:0.0} {renderP95,8:0.0}  {(renderP95 < 150 ? "PASS" : "FAIL")}  (备份计划 page, first 20 of {count} rows)");

    var scheduler = sp.GetRequiredService<PlanScheduler>();
    var start = Stopwatch.StartNew();
    var scheduled = await scheduler.RebuildAsync(CancellationToken.None);
    Console.WriteLine();
    Console.WriteLine($"Scheduler start: {scheduled} plans' triggers rebuilt in {start.Elapsed.TotalSeconds:0.00} s.");
    return failed ? 1 : 0;
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(directory, recursive: true);
}

/// <summary>The tenant the bench acts for, once it exists.</summary>
internal sealed class TenantHolder
{
    public ITenantContext Context { get; set; } = FixedTenantContext.Anonymous;
}
