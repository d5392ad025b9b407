using BackupConsole.Account;
using BackupConsole.Api;
using BackupConsole.Core;
using BackupConsole.Core.Identity;
using BackupConsole.Core.Tenancy;
using BackupConsole.Jobs;
using BackupConsole.Tenancy;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace BackupConsole.Hosting;

/// <summary>Registers the web console: Core, sign-in, localization, MudBlazor and the Blazor circuit plumbing.</summary>
internal static class WebServiceCollectionExtensions
{
    public static IServiceCollection AddBackupConsoleWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddBackupConsoleCore(configuration);
        services.AddBackupConsoleScheduler(configuration);

        services.AddRazorComponents()
            .AddInteractiveServerComponents(circuits =>
            {
                // Bounded memory for circuits a browser left behind and for renders it has not acknowledged.
                circuits.DisconnectedCircuitMaxRetained = WebLimits.DisconnectedCircuitsRetained;
                circuits.DisconnectedCircuitRetentionPeriod = TimeSpan.FromMinutes(3);
                circuits.MaxBufferedUnacknowledgedRenderBatches = 10;
            })
            .AddHubOptions(hub => hub.MaximumReceiveMessageSize = WebLimits.MaxCircuitMessageBytes);
        services.AddMudServices(o => o.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);
        services.AddHttpContextAccessor();
        services.AddRequestLocalization(UiCulture.Configure);

        services.AddScoped<CurrentUser>();
        services.AddScoped<ClaimsTenantContext>();
        // A background scope (a scheduled run, retention) acts for the tenant it names; a request for its signed-in user.
        services.AddScoped<ITenantContext>(sp =>
            sp.GetRequiredService<TenantOverride>().Context ?? sp.GetRequiredService<ClaimsTenantContext>());
        services.AddScoped<CircuitHandler, UserCircuitHandler>();

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingAuthenticationStateProvider>();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/Account/Login";
            o.LogoutPath = "/Account/Logout";
            o.AccessDeniedPath = "/Account/AccessDenied";
            o.Cookie.Name = "BackupConsole.Auth";
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
        });
        services.AddOptions<SecurityStampValidatorOptions>().Configure<IOptions<SignInSecurityOptions>>((o, s) =>
            o.ValidationInterval = TimeSpan.FromMinutes(s.Value.RevalidateMinutes));
        services.AddIdentityCore<AppUser>().AddSignInManager();
        services.AddAuthorization(AuthorizationPolicies.Configure);
        services.AddBackupConsoleApi();
        services.AddConsoleHealthChecks();
        services.AddConsoleTelemetry(configuration);
        return services;
    }
}
