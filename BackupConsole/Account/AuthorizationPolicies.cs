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
        // A signed-in user whose password is their own: the rule for [Authorize] pages (default) and for every
        // endpoint that names no policy at all (fallback).
        var passwordCurrent = new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .RequireAssertion(ctx => !ctx.User.HasClaim(c => c.Type == AppClaims.MustChangePassword))
            .Build();
        options.DefaultPolicy = passwordCurrent;
        options.FallbackPolicy = passwordCurrent;
        options.AddPolicy(SignedIn, p => p.RequireAuthenticatedUser());
        options.AddPolicy(PlatformAdmin, p => p
            .RequireAuthenticatedUser()
            .RequireClaim(AppClaims.PlatformAdmin, "true")
            .RequireAssertion(ctx => !ctx.User.HasClaim(c => c.Type == AppClaims.MustChangePassword)));
    }
}
