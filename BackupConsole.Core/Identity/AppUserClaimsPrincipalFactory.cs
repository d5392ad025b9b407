using System.Security.Claims;
using BackupConsole.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackupConsole.Core.Identity;

/// <summary>Puts the tenant, display name and platform-admin flag into the sign-in cookie.</summary>
public sealed class AppUserClaimsPrincipalFactory(
    UserManager<AppUser> userManager,
    IOptions<IdentityOptions> options,
    IDbContextFactory<BackupDbContext> dbFactory)
    : UserClaimsPrincipalFactory<AppUser>(userManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        await using var db = await dbFactory.CreateDbContextAsync();
        var tenantName = await db.Tenants.Where(t => t.Id == user.TenantId).Select(t => t.Name).SingleOrDefaultAsync();

        identity.AddClaim(new Claim(AppClaims.TenantId, user.TenantId));
        identity.AddClaim(new Claim(AppClaims.TenantName, tenantName ?? user.TenantId));
        identity.AddClaim(new Claim(AppClaims.DisplayName, user.DisplayName.Length > 0 ? user.DisplayName : user.UserName ?? ""));
        if (user.IsPlatformAdmin)
            identity.AddClaim(new Claim(AppClaims.PlatformAdmin, "true"));
        if (user.MustChangePassword)
            identity.AddClaim(new Claim(AppClaims.MustChangePassword, "true"));
        return identity;
    }
}
