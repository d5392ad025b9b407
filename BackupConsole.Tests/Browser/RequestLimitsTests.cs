using BackupConsole.Tests.Reliability;
using BackupConsole.Tests.Support;
using Microsoft.Playwright;

namespace BackupConsole.Tests.Browser;

/// <summary>
/// #11: the limits on what a browser or client may send, each proven by crossing it. The 1 MB body cap answers an
/// authorized API post of 2 MB with 413 before its body is sent (Kestrel's own default would wait for 30 MB). The
/// circuit's 64 KB message limit lets a 30 KB field value through — a change event carries the value twice, as the
/// event's and as the bound field's, so about 60 KB, which ASP.NET Core's default of 32 KB would refuse — and closes
/// the connection on a 100 KB one.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RequestLimitsTests
{
    private const string AdminPassword = "Browser-Adm1n-Pass";

    [Fact]
    public async Task A_2_MB_api_post_gets_413_and_circuit_messages_are_capped_at_64_KB()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var console = await RunningConsole.StartAsync(AdminPassword, ct);
        await using var browser = await BrowserSession.OpenAsync(console);
        await browser.SignInAsNewTenantUserAsync(AdminPassword);
        var token = await ConsoleKilledTests.CreateReadWriteTokenAsync(browser.Page);

        var status = await RawHttp.PostHeadersOnlyAsync(console.BaseUrl, "/api/v1/plans", "application/json", 2 * 1024 * 1024, ct, token);
        Assert.StartsWith("HTTP/1.1 413 ", status);

        var page = browser.Page;
        var closed = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("closed with an error", StringComparison.OrdinalIgnoreCase)
                || message.Text.Contains("Connection disconnected", StringComparison.OrdinalIgnoreCase))
                lock (closed)
                    closed.Add(message.Text);
        };
        await page.Locator("[data-testid=nav]").GetByText("备份计划", new() { Exact = true }).ClickAsync();
        var search = page.Locator("input[data-testid=plan-search]");

        await search.FillAsync(new string('a', 30 * 1024));
        await search.PressAsync("Tab");
        await page.WaitForTimeoutAsync(3000);
        lock (closed)
            Assert.True(closed.Count == 0, string.Join("\n", closed) + "\n--- console:\n" + console.Output[^Math.Min(console.Output.Length, 6000)..]);
        // The value reached the page: the search ran and found nothing.
        await Assertions.Expect(page.Locator("[data-testid=plans-table]")).ToBeVisibleAsync();

        await search.FillAsync(new string('b', 100 * 1024));
        await search.PressAsync("Tab");
        for (var i = 0; i < 100 && Count(closed) == 0; i++)
            await page.WaitForTimeoutAsync(100);
        Assert.NotEqual(0, Count(closed));
    }

    private static int Count(List<string> list)
    {
        lock (list)
            return list.Count;
    }
}
