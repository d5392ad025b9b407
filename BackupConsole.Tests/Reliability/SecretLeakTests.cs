using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BackupConsole.Tests.Browser;
using BackupConsole.Tests.TestBed;
using Microsoft.Playwright;
using MySqlConnector;

namespace BackupConsole.Tests.Reliability;

/// <summary>
/// #11 "secrets never leave encrypted": after instances are registered with passwords and their plans have run,
/// neither the MySQL nor the Redis password nor the API token's secret appears in the console's log, its pages,
/// its API answers, the pool's objects or the metadata database file.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SecretLeakTests
{
    private const string AdminPassword = "Browser-Adm1n-Pass";

    [Fact]
    public async Task After_runs_no_password_or_token_appears_in_logs_pages_api_answers_pool_objects_or_the_database_file()
    {
        var ct = TestContext.Current.CancellationToken;
        var mariaDb = TestServices.RequireMariaDb();
        var redis = TestServices.RequireRedis();
        var database = "leakcheck_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new MySqlConnection(mariaDb.ConnectionString().ConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var create = new MySqlCommand($"CREATE DATABASE `{database}`; CREATE TABLE `{database}`.t (id INT PRIMARY KEY, v TEXT); INSERT INTO `{database}`.t VALUES (1, 'x');", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        await using var console = await RunningConsole.StartAsync(AdminPassword, ct);
        await using var browser = await BrowserSession.OpenAsync(console);
        var page = browser.Page;
        await browser.SignInAsNewTenantUserAsync(AdminPassword);
        var token = await ConsoleKilledTests.CreateReadWriteTokenAsync(page);

        using var api = new HttpClient { BaseAddress = new Uri(console.BaseUrl, "api/v1/") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var answers = new StringBuilder();
        async Task<JsonElement> PostAsync(string path, object body)
        {
            using var response = await api.PostAsJsonAsync(path, body, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            answers.AppendLine(text);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        var pool = (await PostAsync("pools/platform", new { name = "main" })).GetProperty("id").GetString();
        var mysql = (await PostAsync("instances", new { name = "orders", kind = "MySql", host = mariaDb.Host, port = mariaDb.Port, userName = mariaDb.User, secret = mariaDb.Password })).GetProperty("id").GetString();
        var cache = (await PostAsync("instances", new { name = "cache", kind = "Redis", host = redis.Host, port = redis.Port, secret = redis.Password, redisDatabase = 11 })).GetProperty("id").GetString();
        var plans = new List<string>();
        foreach (var (instance, kind, type, selection) in new[] { (mysql, "MySql", "logical", database), (cache, "Redis", "logical", (string?)null) })
        {
            var plan = (await PostAsync("plans", new { name = $"{kind} plan", strategy = "Manual", sourceKind = kind, instanceId = instance, backupType = type, poolId = pool, retentionDays = 7, selection })).GetProperty("id").GetString()!;
            await PostAsync($"plans/{plan}/execute", new { });
            plans.Add(plan);
        }
        foreach (var plan in plans)
        {
            for (var attempt = 0; attempt < 120; attempt++)
            {
                var backups = await api.GetStringAsync($"plans/{plan}/backups", ct);
                if (!backups.Contains("\"Running\""))
                {
                    Assert.Contains("\"Available\"", backups);
                    break;
                }
                await Task.Delay(500, ct);
            }
        }
        foreach (var path in new[] { "instances", $"instances/{mysql}", $"instances/{cache}", "pools", "plans", "events", $"plans/{plans[0]}/backups", $"plans/{plans[1]}/backups" })
            answers.AppendLine(await api.GetStringAsync(path, ct));

        var pages = new StringBuilder();
        // Each page once its list shows what the run made (the circuit renders after the document loads).
        foreach (var (link, shows) in new[] { ("实例", "cache"), ("存储池", "main"), ("备份计划", "Redis plan"), ("事件", "orders"), ("API 令牌", "automation") })
        {
            await page.Locator("[data-testid=nav]").GetByText(link, new() { Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("body")).ToContainTextAsync(shows);
            pages.AppendLine(await page.ContentAsync());
        }

        var secrets = new[] { ("the MySQL password", mariaDb.Password), ("the Redis password", redis.Password), ("the API token", token[12..]) };
        var places = new List<(string Name, byte[] Content)>
        {
            ("the console's log", Encoding.UTF8.GetBytes(console.Output)),
            ("the API's answers", Encoding.UTF8.GetBytes(answers.ToString())),
            ("the pages", Encoding.UTF8.GetBytes(pages.ToString())),
        };
        // Every object of the platform pool (manifests, indexes, data) and every file of the metadata database.
        foreach (var file in Directory.EnumerateFiles(console.DataDirectory, "*", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}keys{Path.DirectorySeparatorChar}")))
            places.Add((Path.GetRelativePath(console.DataDirectory, file), await File.ReadAllBytesAsync(file, ct)));
        Assert.Contains(places, p => p.Name.StartsWith("objects", StringComparison.Ordinal) && p.Name.EndsWith("manifest.json", StringComparison.Ordinal));
        foreach (var (secretName, secret) in secrets)
            foreach (var (placeName, content) in places)
                Assert.False(content.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0, $"{secretName} appears in {placeName}");
    }
}
