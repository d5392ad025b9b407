using System.Net;
using BackupConsole.Tests.Support;

namespace BackupConsole.Tests.Browser;

/// <summary>#11's HTTP hardening on the running console: security headers on every response; an oversized post is refused before it is read.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HttpHardeningTests
{
    [Fact]
    public async Task Pages_carry_security_headers_and_a_10_MB_form_post_is_refused_before_its_body_is_read()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var console = await RunningConsole.StartAsync("Browser-Adm1n-Pass", ct);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = console.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };

        using var login = await http.GetAsync("Account/Login", ct);
        using var script = await http.GetAsync("js/charts.js", ct);
        var huge = await RawHttp.PostHeadersOnlyAsync(console.BaseUrl, "/Account/Login", "application/x-www-form-urlencoded", 10 * 1024 * 1024, ct);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        foreach (var response in new[] { login, script })
        {
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        }
        // Answered before a byte of the body is sent: the form carries no antiforgery token, and Kestrel's body limit
        // (1 MB) stands behind that for forms that do. A server that read the body would leave the read above waiting.
        Assert.Matches(@"^HTTP/1\.1 4(00|13) ", huge);
        Assert.DoesNotContain("Unhandled exception", console.Output);
    }

    [Fact]
    public async Task Every_page_but_sign_in_and_errors_sends_an_anonymous_visitor_to_sign_in()
    {
        var ct = TestContext.Current.CancellationToken;
        // Every routable component of the console, found by reflection so a new page is walked too.
        var pages = typeof(BackupConsole.Components.App).Assembly.GetTypes()
            .Where(t => typeof(Microsoft.AspNetCore.Components.IComponent).IsAssignableFrom(t))
            .Where(t => !t.IsDefined(typeof(Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute), inherit: true))
            .SelectMany(t => t.GetCustomAttributes(typeof(Microsoft.AspNetCore.Components.RouteAttribute), inherit: false)
                .Cast<Microsoft.AspNetCore.Components.RouteAttribute>())
            .Select(r => System.Text.RegularExpressions.Regex.Replace(r.Template, "{[^}]+}", "x-1"))
            .ToList();
        Assert.Contains("/plans/x-1", pages);
        Assert.True(pages.Count >= 10, string.Join(", ", pages));
        await using var console = await RunningConsole.StartAsync("Browser-Adm1n-Pass", ct);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = console.BaseUrl };

        foreach (var page in pages)
        {
            using var response = await http.GetAsync(page.TrimStart('/'), ct);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.ToString().Contains("Account/Login", StringComparison.OrdinalIgnoreCase) == true,
                $"{page}: {(int)response.StatusCode} {response.Headers.Location}");
        }
    }
}
