using System.Security.Claims;
using System.Text.Encodings.Web;
using BackupConsole.Core.ApiTokens;
using BackupConsole.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace BackupConsole.Api;

/// <summary>
/// The REST API's only sign-in: <c>Authorization: Bearer bc_…</c> with a tenant's API token. Cookies are not
/// accepted there, so a page on another site cannot drive the API through a signed-in browser.
/// </summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder, ApiTokenService tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string ScopeClaim = "bc:api_scope";
    public const string TokenClaim = "bc:api_token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var caller = await tokens.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (caller is null)
            return AuthenticateResult.Fail("The API token is unknown, revoked or expired.");
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, caller.UserId),
                new Claim(AppClaims.TenantId, caller.TenantId),
                new Claim(AppClaims.TenantName, caller.TenantName),
                new Claim(ScopeClaim, caller.Scope.ToString()),
                new Claim(TokenClaim, caller.TokenId),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized", "Send a valid API token: Authorization: Bearer bc_…");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "This API token is read-only; create a read-write token to change resources.");

    // Written here, with a body, so the console's status-code pages never turn an API refusal into an HTML page.
    private Task WriteProblemAsync(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(Context);
}

/// <summary>The API's two authorization policies: any valid token reads, a read-write token also changes.</summary>
internal static class ApiPolicies
{
    public const string Read = "ApiRead";
    public const string Write = "ApiWrite";

    public static void Configure(Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
    {
        options.AddPolicy(Read, p => p.AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser().RequireClaim(ApiTokenAuthenticationHandler.ScopeClaim));
        options.AddPolicy(Write, p => p.AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser().RequireClaim(ApiTokenAuthenticationHandler.ScopeClaim, nameof(ApiTokenScope.ReadWrite)));
    }
}
