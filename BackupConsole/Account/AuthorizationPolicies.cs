using BackupConsole.Core.Identity;
using Microsoft.AspNetCore.Authorization;

namespace BackupConsole.Account;

/// <summary>The console's authorization policies; every page and endpoint falls under one of them.</summary>
public static class AuthorizationPolicies
{
    /// <summary>Signed in, even with a one-time password still to change: only the change-password page and sign-out.</summary>
    public const string SignedIn = "SignedIn";

    public const string PlatformAdmin = "PlatformAdmin";

    public static void Configure(AuthorizationOptions options)
    {
        // The fallback covers every page and endpoint that names no policy: a signed-in user whose password is their own.
        options.FallbackPolicy = new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .RequireAssertion(ctx => !ctx.User.HasClaim(c => c.Type == AppClaims.MustChangePassword))
            .Build();
        options.AddPolicy(SignedIn, p => p.RequireAuthenticatedUser());
        options.AddPolicy(PlatformAdmin, p => p
            .RequireAuthenticatedUser()
            .RequireClaim(AppClaims.PlatformAdmin, "true")
            .RequireAssertion(ctx => !ctx.User.HasClaim(c => c.Type == AppClaims.MustChangePassword)));
    }
}
