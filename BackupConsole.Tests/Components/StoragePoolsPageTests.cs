using BackupConsole.Components.Pages.StoragePools;
using BackupConsole.Core.StoragePools;
using BackupConsole.Tests.StoragePools;
using BackupConsole.Tests.Support;
using Bunit;

namespace BackupConsole.Tests.Components;

/// <summary>The 存储池 tab (R-POOL-1…5) rendered with bUnit over Core's real services and the embedded store.</summary>
public sealed class StoragePoolsPageTests
{
    private static Task<(CoreTestHost Core, BunitContext Ctx)> StartAsync() => ComponentTestContext.ForTenantUserAsync(StoragePoolTestKit.StartAsync());

    [Fact]
    public async Task List_shows_every_column_the_guide_names()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx) = await StartAsync();
        await using var _ = core;
        await using var __ = ctx;
        var pool = (await core.Get<StoragePoolService>().BindPlatformAsync(new PlatformPoolInput("main", "nightly", null), Xunit.TestContext.Current.CancellationToken)).Value!;

        var page = ctx.RenderWithProviders<StoragePoolsPage>();

        var headers = page.WaitForElements("[data-testid=pools-table] th").Select(h => h.TextContent.Trim()).ToList();
        Assert.Equal(["名称", "资源ID", "状态", "存储类型", "对象存储", "关联备份计划", "创建时间", "更新时间", "操作"], headers);
        var row = page.Find("[data-testid=pools-table] tbody tr").TextContent;
        Assert.Contains("main", row);
        Assert.Contains(pool.Id, row);
        Assert.Contains("在线", row);
        Assert.Contains("对象存储", row);
        Assert.Contains("/dbs", row);
    }

    [Fact]
    public async Task Bind_dialog_binds_a_platform_pool_with_the_default_bucket()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx) = await StartAsync();
        await using var _ = core;
        await using var __ = ctx;
        var page = ctx.RenderWithProviders<StoragePoolsPage>();

        page.WaitForElement("[data-testid=bind-pool]").Click();
        page.WaitForElement("input[data-testid=pool-name]").Change("main");
        page.Find("[data-testid=bind-pool-submit]").Click();

        page.WaitForAssertion(() => Assert.Contains("/dbs", page.Find("[data-testid=pool-object-storage]").TextContent));
        Assert.Equal("对象存储", page.Find("[data-testid=pool-type]").TextContent.Trim());
    }

    [Theory]
    [InlineData("zh-CN", "存储桶名称须为", "请先在“备份网关”页创建备份网关")]
    [InlineData("en-US", "A bucket name is 3–63", "create one on the Backup Gateways tab first")]
    public async Task Bind_dialog_shows_validation_and_the_gateway_rule_in_the_users_language(string culture, string bucketMessage, string gatewayMessage)
    {
        ComponentTestContext.UseCulture(culture);
        var (core, ctx) = await StartAsync();
        await using var _ = core;
        await using var __ = ctx;
        var page = ctx.RenderWithProviders<StoragePoolsPage>();

        page.WaitForElement("[data-testid=bind-pool]").Click();
        page.WaitForElement("input[data-testid=pool-name]").Change("offsite");
        page.FindAll("input[type=radio]")[1].Click();
        page.WaitForElement("input[data-testid=pool-endpoint]").Change("http://127.0.0.1:9000");
        page.Find("input[data-testid=pool-access-key]").Change("key");
        page.Find("input[data-testid=pool-secret-key]").Change("secret");
        page.Find("input[data-testid=pool-bucket]").Change("Bad_Bucket");
        page.Find("[data-testid=bind-pool-submit]").Click();
        page.WaitForAssertion(() => Assert.Contains(bucketMessage, page.Find("[data-testid=bind-pool-dialog]").TextContent));

        page.Find("input[data-testid=pool-bucket]").Change("good-bucket");
        page.Find("[data-testid=bind-pool-submit]").Click();
        page.WaitForAssertion(() => Assert.Contains(gatewayMessage, page.Find("[data-testid=form-error]").TextContent));
        Assert.Empty(await core.Get<StoragePoolService>().ListAsync(Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Unbind_asks_for_confirmation_then_removes_the_pool()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx) = await StartAsync();
        await using var _ = core;
        await using var __ = ctx;
        await core.Get<StoragePoolService>().BindPlatformAsync(new PlatformPoolInput("main", null, null), Xunit.TestContext.Current.CancellationToken);
        var page = ctx.RenderWithProviders<StoragePoolsPage>();

        page.WaitForElement("[data-testid=unbind-pool]").Click();
        var confirm = page.WaitForElement(".mud-message-box");
        Assert.Contains("已有的备份数据会保留", confirm.TextContent);
        page.FindAll(".mud-message-box button").Single(b => b.TextContent.Trim() == "解绑").Click();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=no-pool]")));
    }
}
