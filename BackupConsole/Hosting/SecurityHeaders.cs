namespace BackupConsole.Hosting;

/// <summary>
/// Response headers every page and endpoint carries: no framing (clickjacking), no MIME sniffing, no referrer, and a
/// content security policy that allows only the console's own origin — scripts, styles, fonts, images and the
/// circuit's WebSocket. Inline script and style stay allowed: Blazor's import map and MudBlazor's styles are inline.
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers["X-Content-Type-Options"] = "nosniff";
            headers["X-Frame-Options"] = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Content-Security-Policy"] = ContentSecurityPolicy;
            return Task.CompletedTask;
        });
        await next();
    });
}
