using BackupConsole.Tests.Plans;
using BackupConsole.Tests.TestBed;
using Microsoft.Playwright;
using MySqlConnector;

namespace BackupConsole.Tests.Browser;

/// <summary>R-MON-1 in chromium: the 监控 tab of a plan whose backup is running draws four non-empty ApexCharts, live.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MonitoringBrowserTests
{
    private const string AdminPassword = "Browser-Adm1n-Pass";

    [Fact]
    public async Task The_monitoring_tab_draws_four_charts_while_a_backup_runs()
    {
        var ct = TestContext.Current.CancellationToken;
        var mariadb = TestServices.RequireMariaDb();
        var database = "mon_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new MySqlConnection(mariadb.ConnectionString().ConnectionString))
        {
            await connection.OpenAsync(ct);
            // Large enough that the backup takes a few seconds, sampled every second.
            await using var create = new MySqlCommand(
                $"CREATE DATABASE `{database}`; USE `{database}`; CREATE TABLE events (id INT PRIMARY KEY, body TEXT);" +
                "INSERT INTO events SELECT seq, CONCAT(seq, REPEAT(MD5(seq), 12)) FROM seq_1_to_600000;", connection) { CommandTimeout = 300 };
            await create.ExecuteNonQueryAsync(ct);
        }
        try
        {
            await using var console = await RunningConsole.StartAsync(AdminPassword, ct, new Dictionary<string, string> { ["Monitoring__SampleSeconds"] = "1" });
            await using var browser = await BrowserSession.OpenAsync(console);
            var page = browser.Page;
            await browser.SignInAsNewTenantUserAsync(AdminPassword);
            var nav = page.Locator("[data-testid=nav]");

            await nav.GetByText("存储池", new() { Exact = true }).ClickAsync();
            await page.ClickAsync("[data-testid=bind-pool]");
            await page.Locator("input[data-testid=pool-name]").FillAsync("main");
            await page.ClickAsync("[data-testid=bind-pool-submit]");
            await Assertions.Expect(page.Locator("[data-testid=pools-table]")).ToContainTextAsync("main");
            await nav.GetByText("实例", new() { Exact = true }).ClickAsync();
            await page.ClickAsync("[data-testid=register-instance]");
            await page.Locator("input[data-testid=instance-name]").FillAsync("events-db");
            await page.Locator("input[data-testid=instance-host]").FillAsync(mariadb.Host);
            await page.Locator("input[data-testid=instance-port]").FillAsync(mariadb.Port.ToString());
            await page.Locator("input[data-testid=instance-user]").FillAsync(mariadb.User);
            await page.Locator("input[data-testid=instance-secret]").FillAsync(mariadb.Password);
            await page.ClickAsync("[data-testid=instance-submit]");
            await Assertions.Expect(page.Locator("[data-testid=instances-table]")).ToContainTextAsync("events-db");

            await nav.GetByText("备份计划", new() { Exact = true }).ClickAsync();
            await page.ClickAsync("[data-testid=create-plan]");
            var dialog = page.Locator("[data-testid=plan-dialog]");
            await page.Locator("input[data-testid=plan-name]").FillAsync("events");
            await page.ClickAsync("[data-testid=strategy-manual]");
            await dialog.Locator(".mud-select", new() { HasText = "备份的库表" }).Last.ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = $"{database}.events" }).ClickAsync();
            await browser.CloseSelectListAsync();
            await page.ClickAsync("[data-testid=plan-submit]");
            var row = page.Locator("[data-testid=plans-table] tbody tr", new() { HasText = "events" });
            await row.Locator("[data-testid=plan-link]").ClickAsync();
            await page.Locator("[data-testid=plan-tabs]").GetByText("监控", new() { Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=monitoring-empty]")).ToBeVisibleAsync();

            // 执行 is on the list: run from there and come back to the tab while the backup runs.
            await nav.GetByText("备份计划", new() { Exact = true }).ClickAsync();
            var confirm = page.Locator(".mud-message-box").GetByRole(AriaRole.Button, new() { Name = "执行" });
            // The list may still be wiring up its buttons on a slow machine: ask again until the confirmation opens.
            for (var attempt = 0; attempt < 10 && !await confirm.IsVisibleAsync(); attempt++)
            {
                await row.Locator("[data-testid=execute-plan]").ClickAsync();
                await Task.Delay(1000, ct);
            }
            await confirm.ClickAsync();
            await row.Locator("[data-testid=plan-link]").ClickAsync();
            await page.Locator("[data-testid=plan-tabs]").GetByText("监控", new() { Exact = true }).ClickAsync();
            foreach (var chart in new[] { "chart-cpu", "chart-memory", "chart-net-in", "chart-net-out" })
            {
                await Assertions.Expect(page.Locator($"[data-testid={chart}]")).Not.ToHaveAttributeAsync("data-points", "0", new() { Timeout = 30_000 });
                // Drawn by ApexCharts in the browser, not just counted on the server (one point draws a marker, more a line).
                await Assertions.Expect(page.Locator($"[data-testid={chart}] .apexcharts-series").First).ToBeAttachedAsync(new() { Timeout = 10_000 });
            }
            await Assertions.Expect(page.Locator("[data-testid=monitoring-empty]")).ToHaveCountAsync(0);
            await browser.ScreenshotAsync("plan-monitoring-zh");

            // Alerts (R-MON-2): a webhook channel on the 告警 page, then a rule from the plan list's 修改监控告警.
            await nav.GetByText("告警", new() { Exact = true }).ClickAsync();
            await page.Locator("[data-testid=alert-tabs]").GetByText("通知渠道", new() { Exact = true }).ClickAsync();
            await page.Locator("input[data-testid=channel-name]").FillAsync("ops hook");
            await page.Locator("input[data-testid=channel-url]").FillAsync("https://hooks.example.com/backup");
            await page.Locator("input[data-testid=channel-secret]").FillAsync("a-long-enough-signing-secret");
            await page.ClickAsync("[data-testid=channel-create]");
            await Assertions.Expect(page.Locator("[data-testid=channels-table]")).ToContainTextAsync("https://hooks.example.com/backup");
            await browser.ScreenshotAsync("alerts-channels-zh");

            await nav.GetByText("备份计划", new() { Exact = true }).ClickAsync();
            await row.Locator("[data-testid=plan-alerts]").ClickAsync();
            var rules = page.Locator("[data-testid=alert-rules-dialog]");
            await Assertions.Expect(rules).ToContainTextAsync("此计划尚未设置告警规则");
            await page.ClickAsync("[data-testid=alert-rule-save]");
            await Assertions.Expect(rules.Locator("[data-testid=alert-rules]")).ToContainTextAsync("备份失败");
            await Assertions.Expect(rules.Locator("[data-testid=alert-rules]")).ToContainTextAsync("ops hook");
            await browser.ScreenshotAsync("alert-rules-zh");
        }
        finally
        {
            await PlanRunTests.DropAsync(mariadb, database);
        }
    }
}
