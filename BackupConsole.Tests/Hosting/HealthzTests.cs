using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackupConsole.Core.Data;
using BackupConsole.Core.StoragePools;
using BackupConsole.Tests.Api;
using BackupConsole.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupConsole.Tests.Hosting;

/// <summary>X-6: /healthz reports the database, the scheduler and the pools; the published app starts, serves it and logs JSON when asked.</summary>
public sealed class HealthzTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Healthz_reports_each_part_and_an_offline_pool_makes_it_degraded_not_down()
    {
        await using var host = ApiHost.Start();
        var acme = await host.CreateTenantAsync("acme");
        var poolId = await host.AsTenantAsync(acme, async s =>
            (await s.GetRequiredService<StoragePoolService>().BindPlatformAsync(new PlatformPoolInput("main", null, null))).Value!.Id);
        using var client = host.Client();

        using var healthy = await client.GetAsync("/healthz", Ct);
        using var report = JsonDocument.Parse(await healthy.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.Equal("Healthy", report.RootElement.GetProperty("status").GetString());
        foreach (var part in new[] { "database", "scheduler", "pools" })
            Assert.Equal("Healthy", report.RootElement.GetProperty("checks").GetProperty(part).GetProperty("status").GetString());

        await host.AsTenantAsync(acme, async s =>
            await s.GetRequiredService<TenantDbFactory>().ForSystem().StoragePools.Where(p => p.Id == poolId)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, StoragePoolStatus.Offline)));
        using var degraded = await client.GetFromJsonAsync<JsonDocument>("/healthz", Ct);
        Assert.Equal("Degraded", degraded!.RootElement.GetProperty("status").GetString());
        Assert.Equal("1 of 1 pool(s) offline", degraded.RootElement.GetProperty("checks").GetProperty("pools").GetProperty("description").GetString());
    }

    [Fact]
    public async Task The_published_app_starts_in_production_serves_healthz_and_the_sign_in_page_and_logs_json()
    {
        var output = Path.Combine(Path.GetTempPath(), "bc-publish-" + Guid.NewGuid().ToString("N")[..8]);
        var data = output + "-data";
        try
        {
            // --no-build: publish what the tests were built from, so browser tests running the same build meanwhile are not disturbed.
            var publish = await RunAsync("dotnet", ["publish", Path.Combine(RepositoryPaths.AppProjectDirectory, "BackupConsole.csproj"),
                "-c", RepositoryPaths.Configuration, "--no-build", "-o", output, "--nologo"], TimeSpan.FromMinutes(5));
            Assert.True(publish.ExitCode == 0, publish.Output);

            var port = FreePorts.Next();
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = output };
            start.ArgumentList.Add(Path.Combine(output, "BackupConsole.dll"));
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add($"http://127.0.0.1:{port}");
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["Data__Directory"] = data;
            start.Environment["Admin__Password"] = "Publish-Adm1n-Pass";
            start.Environment["Logging__Console__FormatterName"] = "json";
            using var app = Process.Start(start)!;
            var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
            app.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
            app.BeginOutputReadLine();
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
                HttpResponseMessage? health = null;
                for (var attempt = 0; attempt < 120 && health?.StatusCode != HttpStatusCode.OK; attempt++)
                {
                    await Task.Delay(500, Ct);
                    try
                    {
                        health = await http.GetAsync("healthz", Ct);
                    }
                    catch (HttpRequestException)
                    {
                        // Not listening yet.
                    }
                }
                Assert.Equal(HttpStatusCode.OK, health?.StatusCode);
                using var login = await http.GetAsync("Account/Login", Ct);
                var page = await login.Content.ReadAsStringAsync(Ct);
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
                // The published static assets are there: the page's script and MudBlazor's stylesheet load.
                foreach (var asset in new[] { "_framework/blazor.web.js", "_content/MudBlazor/MudBlazor.min.css" })
                {
                    Assert.Contains(asset.Split('/')[^1].Split('.')[0], page);
                    using var response = await http.GetAsync(asset, Ct);
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }
                var logged = lines.ToArray();
                Assert.NotEmpty(logged);
                Assert.All(logged, line => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(line).RootElement.ValueKind));
                Assert.DoesNotContain(logged, line => line.Contains("Publish-Adm1n-Pass"));
            }
            finally
            {
                app.Kill(entireProcessTree: true);
                await app.WaitForExitAsync(Ct);
            }
        }
        finally
        {
            foreach (var dir in new[] { output, data })
                if (Directory.Exists(dir))
                    Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(timeout);
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
