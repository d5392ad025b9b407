using System.Net;
using System.Net.Http.Json;
using BackupConsole.Core.ApiTokens;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Core.StoragePools;
using Microsoft.Extensions.DependencyInjection;

namespace BackupConsole.Tests.Api;

/// <summary>
/// X-4, #11: every API endpoint tried with another tenant's ids answers exactly as for an id that does not exist,
/// changes nothing of theirs, and no list shows their rows.
/// </summary>
public sealed class ApiTenantIsolationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_endpoint_treats_another_tenants_ids_as_unknown_and_leaves_them_untouched()
    {
        await using var host = ApiHost.Start();
        var acme = await host.CreateTenantAsync("acme");
        var rival = await host.CreateTenantAsync("rival");
        var source = Directory.CreateTempSubdirectory("bc-api-src-").FullName;
        await File.WriteAllTextAsync(Path.Combine(source, "a.txt"), "rival data", Ct);
        var gateway = await host.AsTenantAsync(rival, s => s.GetRequiredService<GatewayService>().CreateAsync(new GatewayInput("rival gw", "203.0.113.50", 100, null, [])));
        Assert.True(gateway.Succeeded, gateway.ErrorText);
        var backedUp = await host.BackUpDirectoryAsync(rival, source, "rival files");
        var ids = (Gateway: gateway.Value!.Id, backedUp.Pool, backedUp.Instance, backedUp.Plan, backedUp.Backup);
        using var api = host.Client(await host.CreateTokenAsync(acme, ApiTokenScope.ReadWrite, "acme writer"));
        var planBody = new { name = "x", strategy = "Manual", sourceKind = "FileStorage", instanceId = ids.Instance, backupType = "snapshot", poolId = ids.Pool, retentionDays = 7 };
        var restoreBody = new { backupId = ids.Backup, mode = "Directory", directory = Path.Combine(host.DataDirectory, "restores", "stolen") };

        // Each request with the rival's id, then with an id of the same kind that exists nowhere: the answers must match.
        (HttpMethod Method, string Path, object? Body)[] Requests(string gw, string pool, string inst, string plan, string backup) =>
        [
            (HttpMethod.Get, $"gateways/{gw}", null), (HttpMethod.Put, $"gateways/{gw}/bandwidth", new { mbps = 50 }), (HttpMethod.Delete, $"gateways/{gw}", null),
            (HttpMethod.Get, $"pools/{pool}", null), (HttpMethod.Delete, $"pools/{pool}", null),
            (HttpMethod.Get, $"instances/{inst}", null), (HttpMethod.Delete, $"instances/{inst}", null),
            (HttpMethod.Get, $"plans/{plan}", null), (HttpMethod.Put, $"plans/{plan}", planBody), (HttpMethod.Delete, $"plans/{plan}", null),
            (HttpMethod.Post, $"plans/{plan}/execute", null), (HttpMethod.Post, $"plans/{plan}/pause", null), (HttpMethod.Post, $"plans/{plan}/resume", null),
            (HttpMethod.Get, $"plans/{plan}/backups", null),
            (HttpMethod.Get, $"backups/{backup}/restore-options", null), (HttpMethod.Post, $"backups/{backup}/verify", null), (HttpMethod.Delete, $"backups/{backup}", null),
        ];
        var rivals = Requests(ids.Gateway, ids.Pool, ids.Instance, ids.Plan, ids.Backup);
        var unknowns = Requests("dbsgw-00000000", "dbspool-00000000", "inst-00000000", "dbs-00000000", "dbsbak-00000000");
        for (var i = 0; i < rivals.Length; i++)
        {
            var (rivalStatus, rivalBody) = await SendAsync(api, rivals[i]);
            var (unknownStatus, _) = await SendAsync(api, unknowns[i]);
            Assert.True(rivalStatus == HttpStatusCode.NotFound && unknownStatus == HttpStatusCode.NotFound,
                $"{rivals[i].Method} {rivals[i].Path}: {rivalStatus} (unknown id: {unknownStatus}) {rivalBody}");
            Assert.DoesNotContain("rival", rivalBody);
        }
        using var restore = await api.PostAsJsonAsync("/api/v1/restores", restoreBody, Ct);
        Assert.Equal(HttpStatusCode.NotFound, restore.StatusCode);

        // Lists show none of the rival's rows (acme's own list of events holds its token's creation).
        foreach (var list in new[] { "gateways", "pools", "instances", "plans", "alerts", $"restores?planId={ids.Plan}", "events" })
        {
            var page = await api.GetStringAsync($"/api/v1/{list}", Ct);
            if (list != "events")
                Assert.Contains("\"total\":0", page);
            foreach (var id in new[] { ids.Gateway, ids.Pool, ids.Instance, ids.Plan, ids.Backup, rival.TenantId })
                Assert.DoesNotContain(id, page);
        }
        // And the rival still has all of it, unpaused, with its backup.
        await host.AsTenantAsync(rival, async s =>
        {
            Assert.Single(await s.GetRequiredService<GatewayService>().ListAsync(), g => g.Id == ids.Gateway && g.BandwidthMbps == 100);
            Assert.Single(await s.GetRequiredService<StoragePoolService>().ListAsync(), p => p.Id == ids.Pool);
            Assert.NotNull(await s.GetRequiredService<InstanceService>().GetAsync(ids.Instance));
            var plan = await s.GetRequiredService<PlanService>().GetAsync(ids.Plan);
            Assert.Equal("rival files", plan!.Name);
            var backups = await s.GetRequiredService<PlanService>().ListBackupDataAsync(ids.Plan);
            Assert.Single(backups.Items, b => b.Id == ids.Backup && b.Status == BackupDataStatus.Available);
            return true;
        });
        Assert.False(Directory.Exists(Path.Combine(host.DataDirectory, "restores", "stolen")));
        Directory.Delete(source, recursive: true);
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient api, (HttpMethod Method, string Path, object? Body) request)
    {
        using var message = new HttpRequestMessage(request.Method, "/api/v1/" + request.Path)
        {
            Content = request.Body is null ? null : JsonContent.Create(request.Body),
        };
        using var response = await api.SendAsync(message, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }
}
