using System.Globalization;
using System.Security.Claims;
using BackupConsole.Account;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.Identity;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.Tenancy;
using BackupConsole.Tests.Support;
using Bunit;
using Bunit.Rendering;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Services;

namespace BackupConsole.Tests.Components;

/// <summary>A bUnit context with MudBlazor, the real localization and Core services, and a signed-in user.</summary>
public static class ComponentTestContext
{
    /// <param name="culture">
    /// Set on the calling async flow; a test that builds its context inside a helper awaited by the test must call
    /// <see cref="UseCulture"/> itself, because a culture set inside an awaited method does not flow back out.
    /// </param>
    public static BunitContext Create(CoreTestHost? core = null, string? culture = "zh-CN")
    {
        if (culture is not null)
            UseCulture(culture);
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddLocalization();
        if (core is not null)
        {
            // Pages get Core's real services, acting as whoever the test host acts as.
            ctx.Services.AddScoped(_ => core.Get<AccountService>());
            ctx.Services.AddScoped(_ => core.Get<GatewayService>());
            ctx.Services.AddScoped(_ => core.Get<ProjectGroupService>());
            ctx.Services.AddScoped(_ => core.Get<TenantAdminService>());
            ctx.Services.AddScoped(_ => core.Get<StoragePoolService>());
            ctx.Services.AddScoped(_ => core.Get<Core.Instances.InstanceService>());
            ctx.Services.AddScoped(_ => core.Get<Core.Plans.PlanService>());
            ctx.Services.AddScoped(_ => core.Get<Core.Plans.BackupDataService>());
            ctx.Services.AddScoped(_ => core.Get<Core.Restores.RestoreService>());
            ctx.Services.AddSingleton(_ => core.Get<Core.Plans.PlanTimerText>());
            ctx.Services.AddScoped(_ => core.Get<Core.Monitoring.MonitoringService>());
            ctx.Services.AddScoped(_ => core.Get<Core.Events.EventService>());
            ctx.Services.AddScoped(_ => core.Get<Core.Alerts.AlertService>());
            ctx.Services.AddSingleton(_ => core.Get<Microsoft.Extensions.Options.IOptions<Core.Monitoring.MonitoringOptions>>());
            ctx.Services.AddSingleton(_ => core.Get<TimeProvider>());
        }
        return ctx;
    }

    /// <summary>
    /// A tenant "acme" with its signed-in user, over <paramref name="core"/>. Callers set the UI culture first
    /// (<see cref="UseCulture"/>): a culture set inside this awaited method would not flow back to the test.
    /// </summary>
    public static async Task<(CoreTestHost Core, BunitContext Ctx)> ForTenantUserAsync(Task<CoreTestHost> core)
    {
        var host = await core;
        await host.CreateTenantWithUserAsync("acme");
        var ctx = Create(host, culture: null);
        ctx.SignIn("acme-user", "acme");
        return (host, ctx);
    }

    public static void UseCulture(string culture) =>
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);

    /// <summary>Renders <typeparamref name="TPage"/> with the providers MudBlazor's dialogs, menus and snackbars need.</summary>
    /// <param name="parameters">The page's parameters by name, e.g. a route value.</param>
    public static IRenderedComponent<ContainerFragment> RenderWithProviders<TPage>(this BunitContext ctx, params (string Name, object? Value)[] parameters)
        where TPage : IComponent =>
        ctx.Render(b =>
        {
            b.OpenComponent<MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<MudDialogProvider>(1);
            b.CloseComponent();
            b.OpenComponent<MudSnackbarProvider>(2);
            b.CloseComponent();
            b.OpenComponent<TPage>(3);
            foreach (var (name, value) in parameters)
                b.AddAttribute(4, name, value);
            b.CloseComponent();
        });

    public static BunitAuthorizationContext SignIn(this BunitContext ctx, string userName, string tenantName, bool platformAdmin = false)
    {
        var auth = ctx.AddAuthorization();
        auth.SetAuthorized(userName);
        auth.SetClaims(new Claim(AppClaims.TenantName, tenantName), new Claim(AppClaims.DisplayName, userName));
        if (platformAdmin)
            auth.SetPolicies(AuthorizationPolicies.PlatformAdmin);
        return auth;
    }
}
