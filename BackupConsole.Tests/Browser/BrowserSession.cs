using BackupConsole.Tests.Support;
using BackupConsole.Tests.TestBed;
using Microsoft.Playwright;

namespace BackupConsole.Tests.Browser;

/// <summary>Headless Debian chromium driven by Playwright against a <see cref="RunningConsole"/>.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly IBrowserContext _context;

    private BrowserSession(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page, RunningConsole console)
    {
        _playwright = playwright;
        _browser = browser;
        _context = context;
        Page = page;
        Console = console;
    }

    public IPage Page { get; }

    public RunningConsole Console { get; }

    public static async Task<BrowserSession> OpenAsync(RunningConsole console)
    {
        TestServices.RequireChromium();
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = TestServices.ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = console.BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 820 },
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        return new BrowserSession(playwright, browser, context, page, console);
    }

    public async Task SignInAsync(string userName, string password)
    {
        await Page.GotoAsync("Account/Login");
        await Page.FillAsync("#username", userName);
        await Page.FillAsync("#password", password);
        await Page.ClickAsync("[data-testid=login-submit]");
    }

    /// <summary>As the signed-in platform admin, creates a tenant and a user in it on 租户与用户; returns the one-time password.</summary>
    public async Task<string> CreateTenantUserAsync(string tenantName, string userName, string? screenshot = null)
    {
        await Page.GotoAsync("admin/tenants");
        await WaitForShellAsync();
        await Page.ClickAsync("[data-testid=create-tenant]");
        await Page.Locator("input[data-testid=tenant-name]").FillAsync(tenantName);
        await Page.ClickAsync("[data-testid=create-tenant-submit]");
        await Assertions.Expect(Page.Locator("[data-testid=users-heading]")).ToContainTextAsync(tenantName);

        await Page.ClickAsync("[data-testid=create-user]");
        await Page.Locator("input[data-testid=user-name]").FillAsync(userName);
        await Page.ClickAsync("[data-testid=create-user-submit]");
        var password = (await Page.Locator("[data-testid=one-time-password]").TextContentAsync())!.Trim();
        if (screenshot is not null)
            await ScreenshotAsync(screenshot);
        await Page.ClickAsync("[data-testid=one-time-password-done]");
        await Assertions.Expect(Page.Locator("[data-testid=users-table]")).ToContainTextAsync(userName);
        return password;
    }

    /// <summary>Signs in as the admin, creates tenant <c>acme</c> with user <c>alice</c> and continues as alice, on the shell.</summary>
    public async Task SignInAsNewTenantUserAsync(string adminPassword)
    {
        await SignInAsync("admin", adminPassword);
        await WaitForShellAsync();
        var password = await CreateTenantUserAsync("acme", "alice");
        await SignInFirstTimeAsync("alice", password, "Alice-Passw0rd-1");
    }

    /// <summary>Signs out, signs in with a one-time password and replaces it, ending on the shell.</summary>
    public async Task SignInFirstTimeAsync(string userName, string oneTimePassword, string newPassword)
    {
        await Page.ClickAsync("[data-testid=sign-out]");
        await Page.WaitForURLAsync("**/Account/Login**");
        await SignInAsync(userName, oneTimePassword);
        await Page.WaitForURLAsync("**/Account/ChangePassword");
        await Page.FillAsync("#current", oneTimePassword);
        await Page.FillAsync("#new", newPassword);
        await Page.FillAsync("#confirm", newPassword);
        await Page.ClickAsync("[data-testid=change-submit]");
        await WaitForShellAsync();
    }

    /// <summary>Waits until the interactive circuit is up, so clicks reach component handlers.</summary>
    public async Task WaitForShellAsync()
    {
        await Page.Locator("[data-testid=nav]").WaitForAsync();
        await Page.WaitForFunctionAsync("() => window.Blazor !== undefined");
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>
    /// Closes the open list of a multi-select. Escape reaches the select only once the server has rendered the pick
    /// before it; pressed earlier it is lost and the list stays over the dialog's buttons, so it is pressed until the
    /// list is gone (dialogs here do not close on Escape).
    /// </summary>
    public async Task CloseSelectListAsync()
    {
        var open = Page.Locator(".mud-popover-open .mud-list-item");
        for (var attempt = 0; attempt < 10 && await open.CountAsync() > 0; attempt++)
        {
            await Page.Keyboard.PressAsync("Escape");
            await Page.WaitForTimeoutAsync(250);
        }
        await Assertions.Expect(open).ToHaveCountAsync(0);
    }

    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(RepositoryPaths.ScreenshotDirectory, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
