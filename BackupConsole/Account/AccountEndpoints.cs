using BackupConsole.Core.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace BackupConsole.Account;

/// <summary>The HTTP endpoints the sign-in cookie and the language cookie need (a circuit cannot set cookies).</summary>
internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/Account/Logout", async (SignInManager<AppUser> signInManager) =>
        {
            await signInManager.SignOutAsync();
            return TypedResults.LocalRedirect("~/Account/Login");
        }).RequireAuthorization(AuthorizationPolicies.SignedIn);

        endpoints.MapGet("/culture/set", (HttpContext context, [FromQuery] string culture, [FromQuery] string? redirectUri) =>
        {
            if (!AccountService.SupportedCultures.Contains(culture))
                return Results.BadRequest();
            UiCulture.WriteCookie(context.Response, culture);
            return Results.LocalRedirect(IsLocal(redirectUri) ? redirectUri! : "~/");
        }).AllowAnonymous();
    }

    private static bool IsLocal(string? uri) =>
        !string.IsNullOrEmpty(uri) && uri.StartsWith('/') && !uri.StartsWith("//", StringComparison.Ordinal) && !uri.StartsWith("/\\", StringComparison.Ordinal);
}
