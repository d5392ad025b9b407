using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BackupConsole.Tests.Browser;
using Microsoft.Playwright;

namespace BackupConsole.Tests.Reliability;

/// <summary>
/// #11: the console process is killed (SIGKILL) in the middle of a backup. After a restart the run is failed (never
/// left running), nothing it half-wrote is in the pool under its set or as an unfinished upload, and the next run succeeds.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsoleKilledTests
{
    private const string AdminPassword = "Browser-Adm1n-Pass";

    [Fact]
    public async Task A_console_killed_mid_backup_fails_the_run_at_restart_leaves_no_partial_objects_and_runs_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var mariaDb = TestBed.TestServices.RequireMariaDb();
        var database = "killed_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new MySqlConnector.MySqlConnection(mariaDb.ConnectionString().ConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var create = new MySqlConnector.MySqlCommand(
                $"CREATE DATABASE `{database}`; CREATE TABLE `{database}`.rows (id INT PRIMARY KEY, payload TEXT); " +
                $"INSERT INTO `{database}`.rows SELECT seq, REPEAT(MD5(seq), 12) FROM `{database}`.seq_1_to_600000", connection) { CommandTimeout = 300 };
            await create.ExecuteNonQueryAsync(ct);
        }

        var first = await RunningConsole.StartAsync(AdminPassword, ct);
        string token, plan, killedBackup;
        await using (var browser = await BrowserSession.OpenAsync(first))
        {
            await browser.SignInAsNewTenantUserAsync(AdminPassword);
            token = await CreateReadWriteTokenAsync(browser.Page);
        }
        using (var api = Api(first, token))
        {
            var pool = await PostAsync(api, "pools/platform", new { name = "main" }, "id");
            var instance = await PostAsync(api, "instances", new { name = "orders", kind = "MySql", host = mariaDb.Host, port = mariaDb.Port, userName = mariaDb.User, secret = mariaDb.Password }, "id");
            plan = await PostAsync(api, "plans", new { name = "orders", strategy = "Manual", sourceKind = "MySql", instanceId = instance, backupType = "logical", poolId = pool, retentionDays = 7, selection = database }, "id");
            killedBackup = await PostAsync(api, $"plans/{plan}/execute", new { }, "backupId");
        }
        // Killed once the run has written into the pool (under its set, or an upload still open): mid-way through the table.
        var objects = Path.Combine(first.DataDirectory, "objects");
        for (var i = 0; i < 1200 && Leftovers(objects, killedBackup).Count == 0; i++)
            await Task.Delay(10, ct);
        Assert.NotEmpty(Leftovers(objects, killedBackup));
        await first.KillAsync();
        Assert.False(File.Exists(ManifestOf(objects, killedBackup)), "the run finished before it was killed; make the source larger");

        await using var second = await RunningConsole.StartAsync(AdminPassword, ct, dataDirectory: first.DataDirectory);
        using var again = Api(second, token);
        var killed = await BackupAsync(again, plan, killedBackup, ct);
        Assert.Equal("Failed", killed.GetProperty("status").GetString());
        Assert.False(string.IsNullOrWhiteSpace(killed.GetProperty("error").GetString()));
        var leftovers = Leftovers(objects, killedBackup);
        Assert.True(leftovers.Count == 0, "left in the pool: " + string.Join(", ", leftovers));

        var next = await PostAsync(again, $"plans/{plan}/execute", new { }, "backupId");
        JsonElement finished = default;
        for (var i = 0; i < 240; i++)
        {
            finished = await BackupAsync(again, plan, next, ct);
            if (finished.GetProperty("status").GetString() != "Running")
                break;
            await Task.Delay(500, ct);
        }
        Assert.Equal("Available", finished.GetProperty("status").GetString());
        Assert.True(File.Exists(ManifestOf(objects, next)));
        await first.DisposeAsync();
        await using (var connection = new MySqlConnector.MySqlConnection(mariaDb.ConnectionString().ConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var drop = new MySqlConnector.MySqlCommand($"DROP DATABASE `{database}`", connection);
            await drop.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>What a run leaves in a local pool until it completes: objects under its set, and uploads not yet renamed into place.</summary>
    private static List<string> Leftovers(string objects, string backupId) =>
        !Directory.Exists(objects)
            ? []
            : Directory.EnumerateFiles(objects, "*", SearchOption.AllDirectories)
                .Where(f => f.Contains(backupId) || Path.GetFileName(f).StartsWith(".uploads~", StringComparison.Ordinal)
                    || (Path.GetFileName(Path.GetDirectoryName(f)) == ".uploads" && Path.GetFileName(f) != ".sync"))
                .ToList();

    private static string ManifestOf(string objects, string backupId) =>
        Directory.EnumerateFiles(objects, "manifest.json", SearchOption.AllDirectories).FirstOrDefault(f => f.Contains(backupId)) ?? Path.Combine(objects, "none");

    private static HttpClient Api(RunningConsole console, string token)
    {
        var api = new HttpClient { BaseAddress = new Uri(console.BaseUrl, "api/v1/") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return api;
    }

    private static async Task<string> PostAsync(HttpClient api, string path, object body, string field)
    {
        using var response = await api.PostAsJsonAsync(path, body, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty(field).GetString()!;
    }

    private static async Task<JsonElement> BackupAsync(HttpClient api, string plan, string backupId, CancellationToken ct)
    {
        using var page = JsonDocument.Parse(await api.GetStringAsync($"plans/{plan}/backups?pageSize=50", ct));
        return page.RootElement.GetProperty("items").EnumerateArray().Single(b => b.GetProperty("id").GetString() == backupId).Clone();
    }

    internal static async Task<string> CreateReadWriteTokenAsync(IPage page)
    {
        await page.Locator("[data-testid=nav]").GetByText("API 令牌", new() { Exact = true }).ClickAsync();
        await page.Locator("input[data-testid=token-name]").FillAsync("automation");
        await page.Locator("[data-testid=token-scope]").ClickAsync();
        await page.GetByText("读写", new() { Exact = true }).ClickAsync();
        await page.Locator("[data-testid=token-create]").ClickAsync();
        var secret = page.Locator("[data-testid=token-secret]");
        await Assertions.Expect(secret).ToContainTextAsync("bc_");
        await Assertions.Expect(page.Locator("[data-testid=tokens-table]")).ToContainTextAsync("读写");
        return (await secret.TextContentAsync())!.Trim();
    }
}
