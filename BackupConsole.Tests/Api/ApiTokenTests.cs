using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackupConsole.Core.ApiTokens;
using Microsoft.Extensions.DependencyInjection;

namespace BackupConsole.Tests.Api;

/// <summary>X-4: API tokens sign in to the REST API only, with their scope; revoked, expired or malformed tokens and cookies do not.</summary>
public sealed class ApiTokenTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_token_is_shown_once_stored_as_a_hash_and_stops_working_when_revoked()
    {
        await using var host = ApiHost.Start();
        var acme = await host.CreateTenantAsync("acme");
        var created = await host.AsTenantAsync(acme, async s =>
            (await s.GetRequiredService<ApiTokenService>().CreateAsync(new ApiTokenInput("ci", ApiTokenScope.Read, null))).Value!);

        using var api = host.Client(created.Token);
        using var before = await api.GetAsync("/api/v1/plans", Ct);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var listed = await host.AsTenantAsync(acme, s => s.GetRequiredService<ApiTokenService>().ListAsync());
        Assert.Single(listed, t => t.Id == created.View.Id && t.Active && t.LastUsedAt is not null);
        // Nothing that can give the token back is stored: the database file holds neither it nor its secret part.
        var database = await File.ReadAllBytesAsync(Path.Combine(host.DataDirectory, "backupconsole.db"), Ct);
        Assert.Equal(-1, database.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(created.Token[12..])));

        var revoked = await host.AsTenantAsync(acme, s => s.GetRequiredService<ApiTokenService>().RevokeAsync(created.View.Id));
        Assert.True(revoked.Succeeded);
        using var after = await api.GetAsync("/api/v1/plans", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("application/problem+json", after.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Read_tokens_cannot_change_anything_and_bad_tokens_and_cookies_are_refused()
    {
        await using var host = ApiHost.Start();
        var acme = await host.CreateTenantAsync("acme");
        var read = await host.CreateTokenAsync(acme, ApiTokenScope.Read, "reader");
        var write = await host.CreateTokenAsync(acme, ApiTokenScope.ReadWrite, "writer");
        var pool = new { name = "api pool", remark = (string?)null, bucket = (string?)null, encrypt = false };

        using var readOnly = await host.Client(read).PostAsJsonAsync("/api/v1/pools/platform", pool, Ct);
        using var readWrite = await host.Client(write).PostAsJsonAsync("/api/v1/pools/platform", pool, Ct);
        using var tampered = await host.Client(write[..^2] + (write[^2] == 'A' ? "BB" : "AA")).GetAsync("/api/v1/pools", Ct);
        using var malformed = await host.Client("bc_not-a-token").GetAsync("/api/v1/pools", Ct);
        using var none = await host.Client().GetAsync("/api/v1/pools", Ct);
        using var unknownPath = await host.Client(read).GetAsync("/api/v1/nothing-here", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, readOnly.StatusCode);
        Assert.Equal(HttpStatusCode.Created, readWrite.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownPath.StatusCode);
        using var pools = await host.Client(read).GetFromJsonAsync<JsonDocument>("/api/v1/pools", Ct);
        Assert.Equal(1, pools!.RootElement.GetProperty("total").GetInt32());
        Assert.Equal("Platform", pools.RootElement.GetProperty("items")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Bodies_of_the_wrong_shape_and_invalid_values_are_refused_with_problem_details_and_nothing_is_stored()
    {
        await using var host = ApiHost.Start();
        var acme = await host.CreateTenantAsync("acme");
        using var api = host.Client(await host.CreateTokenAsync(acme, ApiTokenScope.ReadWrite, "writer"));

        using var notJson = await api.PostAsync("/api/v1/pools/platform", new StringContent("name=x", System.Text.Encoding.UTF8, "application/json"), Ct);
        using var missingName = await api.PostAsJsonAsync("/api/v1/pools/platform", new { remark = "no name" }, Ct);
        using var wrongType = await api.PostAsJsonAsync("/api/v1/gateways", new { name = "gw", publicIp = "203.0.113.7", bandwidthMbps = "fast", tags = Array.Empty<object>() }, Ct);
        using var invalid = await api.PostAsJsonAsync("/api/v1/gateways", new { name = "gw", publicIp = "999.1.1.1", bandwidthMbps = 100000, projectGroupId = (string?)null, tags = Array.Empty<object>() }, Ct);

        foreach (var response in new[] { notJson, missingName, wrongType, invalid })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Contains("could not be read", await wrongType.Content.ReadAsStringAsync(Ct));
        var body = await invalid.Content.ReadAsStringAsync(Ct);
        using var problem = JsonDocument.Parse(body);
        Assert.True(problem.RootElement.TryGetProperty("errors", out var errors) && errors.TryGetProperty("PublicIp", out _), body);
        using var gateways = await api.GetFromJsonAsync<JsonDocument>("/api/v1/gateways", Ct);
        using var pools = await api.GetFromJsonAsync<JsonDocument>("/api/v1/pools", Ct);
        Assert.Equal(0, gateways!.RootElement.GetProperty("total").GetInt32());
        Assert.Equal(0, pools!.RootElement.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_openapi_document_lists_the_api_and_the_reference_page_is_served()
    {
        await using var host = ApiHost.Start();
        using var client = host.Client();
        using var document = await client.GetFromJsonAsync<JsonDocument>("/api/v1/openapi.json", Ct);
        using var reference = await client.GetAsync("/api/reference/", Ct);

        var paths = document!.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/plans/{id}/execute", paths);
        Assert.Contains("/api/v1/restores", paths);
        Assert.Contains("/api/v1/events", paths);
        var page = await reference.Content.ReadAsStringAsync(Ct);
        Assert.True(reference.StatusCode == HttpStatusCode.OK, $"{reference.StatusCode} {reference.Headers.Location} {page}");
        Assert.Contains("BackupConsole API", page);
    }
}
