using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;

namespace BackupConsole.Tests.Browser;

/// <summary>X-4 in chromium: a tenant user creates an API token (shown once), the REST API accepts it, and revoking it (confirmed) shuts it out.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiTokenBrowserTests
{
    private const string AdminPassword = "Browser-Adm1n-Pass";

    [Fact]
    public async Task A_user_creates_a_token_the_api_accepts_it_and_revoking_it_shuts_it_out()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var console = await RunningConsole.StartAsync(AdminPassword, ct);
        await using var browser = await BrowserSession.OpenAsync(console);
        var page = browser.Page;
        await browser.SignInAsNewTenantUserAsync(AdminPassword);

        await page.Locator("[data-testid=nav]").GetByText("API 令牌", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=no-tokens]")).ToBeVisibleAsync();
        await page.Locator("input[data-testid=token-name]").FillAsync("nightly script");
        await page.Locator("[data-testid=token-create]").ClickAsync();
        var secret = page.Locator("[data-testid=token-secret]");
        await Assertions.Expect(secret).ToContainTextAsync("bc_");
        await Assertions.Expect(page.Locator("[data-testid=tokens-table]")).ToContainTextAsync("nightly script");
        var token = (await secret.TextContentAsync())!.Trim();
        await browser.ScreenshotAsync("api-tokens-zh");

        using var http = new HttpClient { BaseAddress = console.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var accepted = await http.GetAsync("api/v1/plans", ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        // Shown once: coming back to the page lists the token without its secret.
        await page.Locator("[data-testid=nav]").GetByText("事件", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(secret).ToHaveCountAsync(0);
        await page.Locator("[data-testid=nav]").GetByText("API 令牌", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=tokens-table]")).ToContainTextAsync("nightly script");
        Assert.DoesNotContain(token, await page.ContentAsync());

        await page.Locator("[data-testid=token-revoke]").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-message-box")).ToContainTextAsync("nightly script");
        await page.Locator(".mud-message-box").GetByRole(AriaRole.Button, new() { Name = "撤销" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=tokens-table]")).ToContainTextAsync("已撤销");
        using var refused = await http.GetAsync("api/v1/plans", ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
