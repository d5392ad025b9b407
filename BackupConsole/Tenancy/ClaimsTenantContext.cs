using System.Security.Claims;
using BackupConsole.Core.Identity;
using BackupConsole.Core.Tenancy;

namespace BackupConsole.Tenancy;

/// <summary>The tenant context of a page or request, read from the signed-in user's claims.</summary>
internal sealed class ClaimsTenantContext(CurrentUser currentUser) : ITenantContext
{
    private ClaimsPrincipal User => currentUser.Principal;

    private bool IsAuthenticated => User.Identity?.IsAuthenticated == true;

    public string? TenantId => IsAuthenticated ? User.FindFirstValue(AppClaims.TenantId) : null;

    public string? UserId => IsAuthenticated ? User.FindFirstValue(ClaimTypes.NameIdentifier) : null;

    public bool IsPlatformAdmin => IsAuthenticated && User.HasClaim(AppClaims.PlatformAdmin, "true");

    public bool IsSystem => false;
}
