using Microsoft.Playwright;

namespace BackupConsole.Tests.Browser;

/// <summary>Issue #2's walk through the real console in chromium: sign-in, the shell in both languages, first-run password change.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ShellBrowserTests
{
    private const string AdminPassword = "Browser-Adm1n-Pass";

    [Fact]
    public async Task Admin_signs_in_and_sees_the_shell_in_Chinese_then_in_English()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var console = await RunningConsole.StartAsync(AdminPassword, ct);
        await using var browser = await BrowserSession.OpenAsync(console);
        var page = browser.Page;

        await page.GotoAsync("");
        Assert.Contains("/Account/Login", page.Url);
        Assert.Equal("登录", (await page.Locator("h6").First.TextContentAsync())?.Trim());

        await browser.SignInAsync("admin", AdminPassword);
        await browser.WaitForShellAsync();
        var nav = page.Locator("[data-testid=nav]");
        foreach (var label in new[] { "备份服务", "备份网关", "存储池", "数据库备份", "备份计划", "实例", "告警", "事件", "租户与用户" })
            await Assertions.Expect(nav).ToContainTextAsync(label);
        await Assertions.Expect(page.Locator("[data-testid=tenant]")).ToContainTextAsync("default");
        await Assertions.Expect(page.Locator("[data-testid=user]")).ToContainTextAsync("admin");
        await browser.ScreenshotAsync("shell-zh");

        await page.Locator("[data-testid=language-menu] button").First.ClickAsync();
        await page.GetByText("English", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(nav).ToContainTextAsync("Backup Gateways");
        await browser.WaitForShellAsync();
        foreach (var label in new[] { "Backup Service", "Storage Pools", "Database Backup", "Backup Plans", "Instances", "Alerts", "Events", "Tenants & Users" })
            await Assertions.Expect(nav).ToContainTextAsync(label);
        await Assertions.Expect(page.Locator("[data-testid=sign-out]")).ToContainTextAsync("Sign out");
        await browser.ScreenshotAsync("shell-en");

        await page.Locator("[data-testid=nav]").GetByText("Backup Plans", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#page-title")).ToHaveTextAsync("Backup Plans");
        await Assertions.Expect(page.Locator("[data-testid=create-plan]")).ToContainTextAsync("Create backup plan");
        await Assertions.Expect(page.Locator("[data-testid=plans-table]")).ToContainTextAsync("Retention (days)");
        await browser.ScreenshotAsync("plans-en");

        // The choice is the user's: it survives signing out and in again.
        await page.ClickAsync("[data-testid=sign-out]");
        await page.WaitForURLAsync("**/Account/Login**");
        await page.Context.ClearCookiesAsync();
        await browser.SignInAsync("admin", AdminPassword);
        await browser.WaitForShellAsync();
        await Assertions.Expect(nav).ToContainTextAsync("Backup Gateways");
    }

    [Fact]
    public async Task First_run_admin_signs_in_with_the_printed_one_time_password_and_must_change_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var console = await RunningConsole.StartAsync(adminPassword: null, ct);
        var printed = console.PrintedAdminPassword();
        await using var browser = await BrowserSession.OpenAsync(console);
        var page = browser.Page;

        await browser.SignInAsync("admin", printed);
        await page.WaitForURLAsync("**/Account/ChangePassword");
        await Assertions.Expect(page.Locator("[data-testid=must-change]")).ToBeVisibleAsync();

        // Every other page sends the user back here until the password is changed.
        await page.GotoAsync("backup-service/gateways");
        await page.WaitForURLAsync("**/Account/ChangePassword");

        await page.FillAsync("#current", printed);
        await page.FillAsync("#new", "short");
        await page.FillAsync("#confirm", "short");
        await page.ClickAsync("[data-testid=change-submit]");
        await Assertions.Expect(page.Locator("[data-testid=change-error]").First).ToContainTextAsync("密码至少需要");
        await browser.ScreenshotAsync("change-password-zh");

        await page.FillAsync("#current", printed);
        await page.FillAsync("#new", "New-Adm1n-Password");
        await page.FillAsync("#confirm", "New-Adm1n-Password");
        await page.ClickAsync("[data-testid=change-submit]");
        await browser.WaitForShellAsync();
        await Assertions.Expect(page.Locator("[data-testid=welcome]")).ToContainTextAsync("admin");
    }

    [Fact]
    public async Task Admin_creates_a_tenant_and_user_who_sees_only_their_own_tenant()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var console = await RunningConsole.StartAsync(AdminPassword, ct);
        await using var browser = await BrowserSession.OpenAsync(console);
        var page = browser.Page;

        await browser.SignInAsync("admin", AdminPassword);
        await browser.WaitForShellAsync();
        await page.Locator("[data-testid=nav]").GetByText("租户与用户", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=tenants-table]")).ToContainTextAsync("default");
        var password = await browser.CreateTenantUserAsync("acme", "alice", screenshot: "admin-one-time-password");
        await browser.ScreenshotAsync("admin-tenants");

        await browser.SignInFirstTimeAsync("alice", password, "Alice-Passw0rd-1");
        await Assertions.Expect(page.Locator("[data-testid=tenant]")).ToContainTextAsync("acme");
        await Assertions.Expect(page.Locator("[data-testid=nav]")).Not.ToContainTextAsync("租户与用户");

        var response = await page.GotoAsync("admin/tenants");
        Assert.NotNull(response);
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("您没有访问此页面的权限");
        await Assertions.Expect(page.Locator("[data-testid=tenants-table]")).ToHaveCountAsync(0);
    }
}
