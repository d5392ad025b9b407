using BackupConsole.Tests.Plans;
using BackupConsole.Tests.TestBed;
using Microsoft.Playwright;

namespace BackupConsole.Tests.Browser;

/// <summary>Issues #7 and #8 in chromium: register a MySQL instance, create a scheduled logical plan of two tables, execute it, restore its backup into a new database, pause and resume it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PlanBrowserTests
{
    private const string AdminPassword = "Browser-Adm1n-Pass";

    [Fact]
    public async Task Tenant_user_registers_mysql_creates_a_two_table_plan_runs_pauses_and_resumes_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var mariadb = TestServices.RequireMariaDb();
        var database = await PlanRunTests.MySqlDatabaseAsync(mariadb);
        var copy = database + "_copy";
        try
        {
            await using var console = await RunningConsole.StartAsync(AdminPassword, ct);
            await using var browser = await BrowserSession.OpenAsync(console);
            var page = browser.Page;
            await browser.SignInAsNewTenantUserAsync(AdminPassword);
            var nav = page.Locator("[data-testid=nav]");

            await nav.GetByText("存储池", new() { Exact = true }).ClickAsync();
            await page.ClickAsync("[data-testid=bind-pool]");
            await page.Locator("input[data-testid=pool-name]").FillAsync("main");
            await page.ClickAsync("[data-testid=bind-pool-submit]");
            await Assertions.Expect(page.Locator("[data-testid=pools-table]")).ToContainTextAsync("main");

            // The instance: tested before it is saved.
            await nav.GetByText("实例", new() { Exact = true }).ClickAsync();
            await page.ClickAsync("[data-testid=register-instance]");
            await page.Locator("input[data-testid=instance-name]").FillAsync("orders-db");
            await page.Locator("input[data-testid=instance-host]").FillAsync(mariadb.Host);
            await page.Locator("input[data-testid=instance-port]").FillAsync(mariadb.Port.ToString());
            await page.Locator("input[data-testid=instance-user]").FillAsync(mariadb.User);
            await page.Locator("input[data-testid=instance-secret]").FillAsync(mariadb.Password);
            await page.ClickAsync("[data-testid=instance-test]");
            await Assertions.Expect(page.Locator("[data-testid=instance-test-result]")).ToContainTextAsync("连接成功");
            await browser.ScreenshotAsync("instance-register-zh");
            await page.ClickAsync("[data-testid=instance-submit]");
            await Assertions.Expect(page.Locator("[data-testid=instances-table]")).ToContainTextAsync($"{mariadb.Host}:{mariadb.Port}");
            await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync(mariadb.Password);
            await browser.ScreenshotAsync("instance-list-zh");

            // The plan: two tables picked from the live list, a daily timer.
            await nav.GetByText("备份计划", new() { Exact = true }).ClickAsync();
            await page.ClickAsync("[data-testid=create-plan]");
            var dialog = page.Locator("[data-testid=plan-dialog]");
            await page.Locator("input[data-testid=plan-name]").FillAsync("orders nightly");
            await dialog.Locator(".mud-select", new() { HasText = "备份的库表" }).Last.ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = $"{database}.orders" }).ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = $"{database}.users" }).ClickAsync();
            await browser.CloseSelectListAsync();
            await page.Locator("input[data-testid=plan-times]").FillAsync("03:30");
            // The preview is rendered from the server's copy of the field, so once it shows 03:30 the submit cannot race the input.
            await Assertions.Expect(page.Locator("[data-testid=plan-timer-preview]")).ToContainTextAsync("每天 03:30（UTC） · 下次执行");
            await browser.ScreenshotAsync("plan-create-zh");
            await page.ClickAsync("[data-testid=plan-submit]");
            var row = page.Locator("[data-testid=plans-table] tbody tr", new() { HasText = "orders nightly" });
            await Assertions.Expect(row).ToContainTextAsync($"{database}.orders,{database}.users");
            await Assertions.Expect(row.Locator("[data-testid=plan-timer]")).ToContainTextAsync("每天 03:30");

            // Execute: the run is recorded and the plan comes back available.
            await row.Locator("[data-testid=execute-plan]").ClickAsync();
            await page.Locator(".mud-message-box").GetByRole(AriaRole.Button, new() { Name = "执行" }).ClickAsync();
            await Assertions.Expect(page.Locator(".mud-snackbar", new() { HasText = "已开始执行" })).ToBeVisibleAsync();
            for (var i = 0; i < 60 && (await row.Locator("[data-testid=plan-status]").TextContentAsync())?.Trim() != "可用"; i++)
            {
                await Task.Delay(500, ct);
                await page.ClickAsync("[data-testid=refresh-plans]");
            }
            await browser.ScreenshotAsync("plan-list-zh");
            Assert.True((await row.Locator("[data-testid=plan-status]").TextContentAsync())?.Trim() == "可用", console.Output);

            // The detail page: basic information and the run just taken.
            await row.Locator("[data-testid=plan-link]").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=backup-data-table] [data-testid=backup-status]")).ToHaveTextAsync("可用", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("[data-testid=plan-basic]")).ToContainTextAsync("每天 03:30");
            await browser.ScreenshotAsync("plan-detail-zh");

            // Create instance from backup data: the logical backup into a new database on the same server (R-PLAN-5).
            await page.ClickAsync("[data-testid=restore-backup]");
            var restoreDialog = page.Locator("[data-testid=restore-dialog]");
            await Assertions.Expect(restoreDialog.Locator("[data-testid=restore-target]")).ToContainTextAsync("orders-db");
            await restoreDialog.Locator("input[data-testid=restore-database-name]").FillAsync(copy);
            await browser.ScreenshotAsync("restore-form-zh");
            await page.ClickAsync("[data-testid=restore-submit]");
            await Assertions.Expect(restoreDialog.Locator("[data-testid=restore-job]")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 60_000 });
            await Assertions.Expect(restoreDialog.Locator("[data-testid=restore-summary]")).ToContainTextAsync($"SHOW TABLES FROM `{copy}`");
            await Assertions.Expect(restoreDialog.Locator("[data-testid=restore-counters]")).ToContainTextAsync("已完成 2 / 2 项");
            await browser.ScreenshotAsync("restore-done-zh");
            Assert.Equal(2000L, await PlanRunTests.CountAsync(mariadb, $"`{copy}`.orders"));
            await page.ClickAsync("[data-testid=restore-close]");
            await Assertions.Expect(page.Locator("[data-testid=restore-jobs]")).ToContainTextAsync("恢复成功");
            await page.GoBackAsync();

            await row.Locator("[data-testid=pause-plan]").ClickAsync();
            await Assertions.Expect(row.Locator("[data-testid=plan-status]")).ToHaveTextAsync("已暂停");
            await row.Locator("[data-testid=resume-plan]").ClickAsync();
            await Assertions.Expect(row.Locator("[data-testid=plan-status]")).ToHaveTextAsync("可用");
        }
        finally
        {
            await PlanRunTests.DropAsync(mariadb, database);
            await PlanRunTests.DropAsync(mariadb, copy);
        }
    }
}
