using BackupConsole.Tests.TestBed;
using Microsoft.Playwright;

namespace BackupConsole.Tests.Browser;

/// <summary>Issue #8 in chromium from the pool's side: a file-storage backup listed under its pool, verified, restored into a new directory; import finds nothing new.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PoolBackupsBrowserTests
{
    private const string AdminPassword = "Browser-Adm1n-Pass";

    [Fact]
    public async Task A_pools_backup_data_page_verifies_restores_and_imports()
    {
        var ct = TestContext.Current.CancellationToken;
        TestServices.RequireChromium();
        var source = Path.Combine(Path.GetTempPath(), "bc-browser-src-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(source, "docs"));
        await File.WriteAllTextAsync(Path.Combine(source, "docs", "readme.txt"), "restored through the browser", ct);
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

        await nav.GetByText("实例", new() { Exact = true }).ClickAsync();
        await page.ClickAsync("[data-testid=register-instance]");
        await page.Locator("input[data-testid=instance-name]").FillAsync("shared docs");
        await page.Locator("[data-testid=instance-dialog] .mud-select", new() { HasText = "实例类型" }).First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "文件存储" }).ClickAsync();
        await page.Locator("input[data-testid=instance-path]").FillAsync(source);
        await page.ClickAsync("[data-testid=instance-submit]");
        await Assertions.Expect(page.Locator("[data-testid=instances-table]")).ToContainTextAsync(source);

        await nav.GetByText("备份计划", new() { Exact = true }).ClickAsync();
        await page.ClickAsync("[data-testid=create-plan]");
        await page.Locator("input[data-testid=plan-name]").FillAsync("docs");
        await page.ClickAsync("[data-testid=strategy-manual]");
        await page.ClickAsync("[data-testid=plan-submit]");
        var row = page.Locator("[data-testid=plans-table] tbody tr", new() { HasText = "docs" });
        await row.Locator("[data-testid=execute-plan]").ClickAsync();
        await page.Locator(".mud-message-box").GetByRole(AriaRole.Button, new() { Name = "执行" }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar", new() { HasText = "已开始执行" })).ToBeVisibleAsync();

        // The pool lists the backup with its source once the run is done; verify it, then restore it into a new directory.
        await nav.GetByText("存储池", new() { Exact = true }).ClickAsync();
        await page.ClickAsync("[data-testid=pool-backups]");
        var backup = page.Locator("[data-testid=backup-data-table] tbody tr").First;
        for (var i = 0; i < 60 && (await backup.Locator("[data-testid=backup-status]").TextContentAsync())?.Trim() != "可用"; i++)
        {
            await Task.Delay(500, ct);
            await page.ReloadAsync();
        }
        Assert.True((await backup.Locator("[data-testid=backup-status]").TextContentAsync())?.Trim() == "可用", console.Output);
        await Assertions.Expect(backup).ToContainTextAsync(source);
        await backup.Locator("[data-testid=verify-backup]").ClickAsync();
        await Assertions.Expect(backup.Locator("[data-testid=backup-verification]")).ToContainTextAsync("校验通过", new() { Timeout = 20_000 });

        await backup.Locator("[data-testid=restore-backup]").ClickAsync();
        var dialog = page.Locator("[data-testid=restore-dialog]");
        var target = await dialog.Locator("input[data-testid=restore-directory]").InputValueAsync();
        await page.ClickAsync("[data-testid=restore-submit]");
        await Assertions.Expect(dialog.Locator("[data-testid=restore-job]")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 30_000 });
        await page.ClickAsync("[data-testid=restore-close]");
        Assert.Equal("restored through the browser", await File.ReadAllTextAsync(Path.Combine(target, "docs", "readme.txt"), ct));

        await page.ClickAsync("[data-testid=import-backups]");
        await Assertions.Expect(page.Locator(".mud-snackbar", new() { HasText = "已导入 0 个备份集" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=restore-jobs]")).ToContainTextAsync("恢复成功");
        await browser.ScreenshotAsync("pool-backups-zh");

        // Every resource's events on one page (R-MON-3): the plan's run, the restore, the import.
        await nav.GetByText("事件", new() { Exact = true }).ClickAsync();
        var events = page.Locator("[data-testid=events-table]");
        await Assertions.Expect(events).ToContainTextAsync("恢复成功");
        await Assertions.Expect(events).ToContainTextAsync("备份校验通过");
        await Assertions.Expect(events).ToContainTextAsync("从存储池导入备份数据");
        await browser.ScreenshotAsync("events-zh");
    }
}
