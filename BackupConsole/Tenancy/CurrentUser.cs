using System.Security.Claims;

namespace BackupConsole.Tenancy;

/// <summary>The signed-in user of this scope: the circuit's user in interactive pages, the request's user in HTTP endpoints.</summary>
public sealed class CurrentUser(IHttpContextAccessor httpContextAccessor)
{
    private static readonly ClaimsPrincipal Anonymous = new(new ClaimsIdentity());
    private ClaimsPrincipal? _circuitUser;

    // A circuit outlives the HTTP request that opened it, so its user comes from the authentication state, not HttpContext.
    public ClaimsPrincipal Principal => _circuitUser ?? httpContextAccessor.HttpContext?.User ?? Anonymous;

    internal void SetCircuitUser(ClaimsPrincipal principal) => _circuitUser = principal;
}
