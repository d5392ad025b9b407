using BackupConsole.Tests.StoragePools;
using BackupConsole.Tests.TestBed;
using Microsoft.Playwright;

namespace BackupConsole.Tests.Browser;

/// <summary>Issue #4's walk in chromium: bind a platform pool and an external S3 pool, update, see the gateway rule, unbind.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StoragePoolBrowserTests
{
    private const string AdminPassword = "Browser-Adm1n-Pass";

    private static async Task FillExternalPoolAsync(IPage page, S3Service s3, string bucket)
    {
        await page.ClickAsync("[data-testid=bind-pool]");
        await page.Locator("[data-testid=bind-pool-dialog]").GetByText("外部S3服务").ClickAsync();
        await page.Locator("input[data-testid=pool-name]").FillAsync("offsite");
        await page.Locator("input[data-testid=pool-endpoint]").FillAsync(s3.ServiceUrl);
        await page.Locator("input[data-testid=pool-access-key]").FillAsync(s3.AccessKey);
        await page.Locator("input[data-testid=pool-secret-key]").FillAsync(s3.SecretKey);
        await page.Locator("input[data-testid=pool-bucket]").FillAsync(bucket);
    }

    [Fact]
    public async Task Tenant_user_binds_updates_and_unbinds_both_pool_types()
    {
        var ct = TestContext.Current.CancellationToken;
        var s3 = TestServices.RequireS3();
        var bucket = await StoragePoolTestKit.CreateBucketAsync(s3);
        await using var console = await RunningConsole.StartAsync(AdminPassword, ct);
        await using var browser = await BrowserSession.OpenAsync(console);
        var page = browser.Page;
        await browser.SignInAsNewTenantUserAsync(AdminPassword);
        var nav = page.Locator("[data-testid=nav]");

        // Platform object storage: no bucket given, so dbs is created.
        await nav.GetByText("存储池", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=no-pool]")).ToBeVisibleAsync();
        await page.ClickAsync("[data-testid=bind-pool]");
        await page.Locator("input[data-testid=pool-name]").FillAsync("platform-main");
        await browser.ScreenshotAsync("pool-bind-platform-zh");
        await page.ClickAsync("[data-testid=bind-pool-submit]");
        await Assertions.Expect(page.Locator("[data-testid=pools-table]")).ToContainTextAsync("platform-main");
        await Assertions.Expect(page.Locator("[data-testid=pools-table]")).ToContainTextAsync("/dbs");

        // External S3 needs the gateway first: the dialog says so.
        await FillExternalPoolAsync(page, s3, bucket);
        await page.ClickAsync("[data-testid=bind-pool-submit]");
        await Assertions.Expect(page.Locator("[data-testid=form-error]")).ToContainTextAsync("备份网关");
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "取消" }).ClickAsync();

        await nav.GetByText("备份网关", new() { Exact = true }).ClickAsync();
        await page.ClickAsync("[data-testid=create-gateway]");
        await page.Locator("input[data-testid=gateway-name]").FillAsync("edge");
        await page.Locator("input[data-testid=gateway-public-ip]").FillAsync("203.0.113.10");
        await page.ClickAsync("[data-testid=create-gateway-submit]");
        await Assertions.Expect(page.Locator("[data-testid=gateway-ip]")).ToHaveTextAsync("203.0.113.10/32");

        await nav.GetByText("存储池", new() { Exact = true }).ClickAsync();
        await FillExternalPoolAsync(page, s3, bucket);
        await browser.ScreenshotAsync("pool-bind-external-zh");
        await page.ClickAsync("[data-testid=bind-pool-submit]");
        await Assertions.Expect(page.Locator("[data-testid=pools-table]")).ToContainTextAsync($"{s3.ServiceUrl}/{bucket}");
        await Assertions.Expect(page.Locator("[data-testid=pools-table]")).ToContainTextAsync("外部S3服务");
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync(s3.SecretKey + "x");
        await browser.ScreenshotAsync("pool-list-zh");

        // The gateway cannot go while the external pool needs it.
        await nav.GetByText("备份网关", new() { Exact = true }).ClickAsync();
        await page.ClickAsync("[data-testid=delete-gateway]");
        await page.Locator(".mud-message-box").GetByRole(AriaRole.Button, new() { Name = "删除" }).ClickAsync();
        // The refusal, not the "bound" notice that may still be showing from the step before.
        await Assertions.Expect(page.Locator(".mud-snackbar.mud-alert-filled-error", new() { HasText = "offsite" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=gateways-table]")).ToContainTextAsync("edge");

        await nav.GetByText("存储池", new() { Exact = true }).ClickAsync();
        var offsiteRow = page.Locator("[data-testid=pools-table] tbody tr", new() { HasText = "offsite" });
        await offsiteRow.Locator("[data-testid=update-pool]").ClickAsync();
        await page.Locator("input[data-testid=update-pool-name]").FillAsync("offsite-renamed");
        await page.Locator("input[data-testid=update-pool-secret-key]").FillAsync(s3.SecretKey);
        await browser.ScreenshotAsync("pool-update-zh");
        await page.ClickAsync("[data-testid=update-pool-submit]");
        await Assertions.Expect(page.Locator("[data-testid=pools-table]")).ToContainTextAsync("offsite-renamed");

        foreach (var name in new[] { "offsite-renamed", "platform-main" })
        {
            await page.Locator("[data-testid=pools-table] tbody tr", new() { HasText = name }).Locator("[data-testid=unbind-pool]").ClickAsync();
            await page.Locator(".mud-message-box").GetByRole(AriaRole.Button, new() { Name = "解绑" }).ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=pools-table]")).Not.ToContainTextAsync(name);
        }
        await Assertions.Expect(page.Locator("[data-testid=no-pool]")).ToBeVisibleAsync();

        // The same tab in English.
        await page.Locator("[data-testid=language-menu] button").First.ClickAsync();
        await page.GetByText("English", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#page-title")).ToHaveTextAsync("Storage Pools");
        await browser.WaitForShellAsync();
        await page.ClickAsync("[data-testid=bind-pool]");
        await Assertions.Expect(page.Locator("[data-testid=bind-pool-dialog]")).ToContainTextAsync("a bucket named \"dbs\" is created");
        await browser.ScreenshotAsync("pool-bind-en");
    }
}
