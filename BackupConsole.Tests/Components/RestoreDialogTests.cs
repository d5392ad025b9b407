using BackupConsole.Components.Pages.Plans;
using BackupConsole.Core.Instances;
using BackupConsole.Core.StoragePools;
using BackupConsole.Tests.Plans;
using BackupConsole.Tests.StoragePools;
using BackupConsole.Tests.Support;
using BackupConsole.Tests.TestBed;
using Bunit;
using Bunit.Rendering;
using PutObjectRequest = Amazon.S3.Model.PutObjectRequest;

namespace BackupConsole.Tests.Components;

/// <summary>The "create instance from backup data" dialog for Redis and object storage (R-PLAN-5), against the real servers, checked on the target.</summary>
public sealed class RestoreDialogTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static async Task<(CoreTestHost Core, BunitContext Ctx, string Pool)> StartAsync()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx) = await ComponentTestContext.ForTenantUserAsync(CoreTestHost.StartAsync());
        var pool = (await core.Get<StoragePoolService>().BindPlatformAsync(new PlatformPoolInput("main", null, null), Ct)).Value!.Id;
        return (core, ctx, pool);
    }

    private static async Task<IRenderedComponent<ContainerFragment>> RestoreFromDetailAsync(BunitContext ctx, string planId)
    {
        var page = ctx.RenderWithProviders<PlanDetailPage>(("PlanId", planId));
        page.WaitForElement("[data-testid=restore-backup]");
        await page.InvokeAsync(() => page.Find("[data-testid=restore-backup]").Click());
        page.WaitForElement("[data-testid=restore-submit]");
        return page;
    }

    [Fact]
    public async Task A_redis_backup_is_restored_from_the_dialog_into_an_empty_database_of_the_chosen_instance()
    {
        await using var redis = await OwnRedis.StartAsync(Ct);
        await using (var connection = await redis.ConnectAsync())
            for (var i = 0; i < 50; i++)
                await connection.GetDatabase(2).StringSetAsync($"k{i}", $"v{i}");
        var (core, ctx, pool) = await StartAsync();
        await using var _ = core;
        await using var __ = ctx;
        var instance = await PlanTestKit.AddInstanceAsync(core, new InstanceInput("cache", InstanceKind.Redis, Host: "127.0.0.1", Port: redis.Port, Secret: redis.Password, RedisDatabase: 2));
        var plan = await PlanTestKit.AddPlanAsync(core, PlanTestKit.Manual("cache", instance, pool, InstanceKind.Redis, "logical"));
        await PlanTestKit.RunAsync(core, plan);

        var page = await RestoreFromDetailAsync(ctx, plan);
        Assert.Contains("cache", page.Find("[data-testid=restore-target]").TextContent);
        // The backup's own database holds keys: refused with the reason on the field, then db 9.
        await page.InvokeAsync(() => page.Find("[data-testid=restore-submit]").Click());
        page.WaitForAssertion(() => Assert.Contains("已有 50 个键", page.Find("[data-testid=restore-dialog]").TextContent));
        page.Find("input[data-testid=restore-redis-db]").Change("9");
        await page.InvokeAsync(() => page.Find("[data-testid=restore-submit]").Click());

        page.WaitForAssertion(() => Assert.Equal("Succeeded", page.Find("[data-testid=restore-job]").GetAttribute("data-status")), TimeSpan.FromSeconds(20));
        Assert.Contains("redis-cli", page.Find("[data-testid=restore-summary]").TextContent);
        await using var check = await redis.ConnectAsync();
        Assert.Equal(50, await check.GetServer(check.GetEndPoints()[0]).DatabaseSizeAsync(9));
        Assert.Equal("v49", (string?)await check.GetDatabase(9).StringGetAsync("k49"));
    }

    [Fact]
    public async Task An_object_storage_snapshot_is_restored_from_the_dialog_into_a_new_bucket()
    {
        var s3 = TestServices.RequireS3();
        var bucket = await StoragePoolTestKit.CreateBucketAsync(s3);
        using var client = s3.Client();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a/b.txt", ContentBody = "object body", UseChunkEncoding = false }, Ct);
        var (core, ctx, pool) = await StartAsync();
        await using var _ = core;
        await using var __ = ctx;
        var instance = await PlanTestKit.AddInstanceAsync(core, new InstanceInput("assets", InstanceKind.ObjectStorage, Host: s3.ServiceUrl,
            UserName: s3.AccessKey, Secret: s3.SecretKey, Bucket: bucket));
        var plan = await PlanTestKit.AddPlanAsync(core, PlanTestKit.Manual("assets", instance, pool, InstanceKind.ObjectStorage, "snapshot"));
        await PlanTestKit.RunAsync(core, plan);
        var target = "dialog-" + Guid.NewGuid().ToString("N")[..8];

        var page = await RestoreFromDetailAsync(ctx, plan);
        page.Find("input[data-testid=restore-bucket]").Change(target);
        await page.InvokeAsync(() => page.Find("[data-testid=restore-submit]").Click());

        page.WaitForAssertion(() => Assert.Equal("Succeeded", page.Find("[data-testid=restore-job]").GetAttribute("data-status")), TimeSpan.FromSeconds(20));
        Assert.Contains("已完成 1 / 1 项", page.Find("[data-testid=restore-counters]").TextContent);
        using var restored = await client.GetObjectAsync(target, "a/b.txt", Ct);
        using var reader = new StreamReader(restored.ResponseStream);
        Assert.Equal("object body", await reader.ReadToEndAsync(Ct));
    }
}
