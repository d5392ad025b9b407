using Microsoft.Playwright;

namespace BackupConsole.Tests.Browser;

/// <summary>Issue #3's walk in chromium for a tenant user: create → adjust bandwidth → change IP to IPv6 → delete (R-GW-1…6).</summary>
[Collection(BrowserCollection.Name)]
public sealed class GatewayBrowserTests
{
    private const string AdminPassword = "Browser-Adm1n-Pass";

    [Fact]
    public async Task Tenant_user_creates_adjusts_readdresses_and_deletes_the_gateway()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var console = await RunningConsole.StartAsync(AdminPassword, ct);
        await using var browser = await BrowserSession.OpenAsync(console);
        var page = browser.Page;
        await browser.SignInAsNewTenantUserAsync(AdminPassword);
        await Assertions.Expect(page.Locator("[data-testid=tenant]")).ToContainTextAsync("acme");

        await page.Locator("[data-testid=nav]").GetByText("备份网关", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=no-gateway]")).ToBeVisibleAsync();

        await page.ClickAsync("[data-testid=create-gateway]");
        await page.Locator("input[data-testid=gateway-name]").FillAsync("edge-1");
        await page.Locator("input[data-testid=gateway-public-ip]").FillAsync("127.0.0.1");
        await page.Locator("input[data-testid=gateway-bandwidth-input]").FillAsync("100");
        await page.ClickAsync("[data-testid=add-tag]");
        await page.Locator("[data-testid=tag-editor] input").Nth(0).FillAsync("env");
        await page.Locator("[data-testid=tag-editor] input").Nth(1).FillAsync("prod");
        await page.ClickAsync("[data-testid=create-gateway-submit]");
        await Assertions.Expect(page.Locator("[data-testid=create-gateway-dialog]")).ToContainTextAsync("外网 IP 不能是环回地址");
        await browser.ScreenshotAsync("gateway-create-invalid-zh");

        await page.Locator("input[data-testid=gateway-public-ip]").FillAsync("203.0.113.10");
        await page.ClickAsync("[data-testid=create-gateway-submit]");
        await Assertions.Expect(page.Locator("[data-testid=gateway-ip]")).ToHaveTextAsync("203.0.113.10/32");
        await Assertions.Expect(page.Locator("[data-testid=gateways-table]")).ToContainTextAsync("运行中");
        await Assertions.Expect(page.Locator("[data-testid=gateways-table]")).ToContainTextAsync("env=prod");
        await Assertions.Expect(page.Locator("[data-testid=create-gateway]")).ToBeDisabledAsync();
        await browser.ScreenshotAsync("gateway-created-zh");

        await page.ClickAsync("[data-testid=adjust-bandwidth]");
        await page.Locator("[data-testid=adjust-bandwidth-dialog] input[data-testid=gateway-bandwidth-input]").FillAsync("250");
        await page.ClickAsync("[data-testid=adjust-bandwidth-submit]");
        await Assertions.Expect(page.Locator("[data-testid=gateway-bandwidth]")).ToHaveTextAsync("250 Mbps");

        await page.ClickAsync("[data-testid=change-ip]");
        await page.Locator("input[data-testid=new-public-ip]").FillAsync("2001:db8::10");
        await page.ClickAsync("[data-testid=change-ip-submit]");
        await Assertions.Expect(page.Locator("[data-testid=gateway-ip]")).ToHaveTextAsync("2001:db8::10/128");
        await browser.ScreenshotAsync("gateway-ipv6-zh");

        await page.ClickAsync("[data-testid=delete-gateway]");
        await Assertions.Expect(page.Locator(".mud-message-box")).ToContainTextAsync("edge-1");
        await browser.ScreenshotAsync("gateway-delete-confirm-zh");
        await page.Locator(".mud-message-box").GetByRole(AriaRole.Button, new() { Name = "删除" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=no-gateway]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=create-gateway]")).ToBeEnabledAsync();
    }
}
