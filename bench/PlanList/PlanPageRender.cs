using System.Diagnostics;
using System.Globalization;
using BackupConsole.Components.Pages.Plans;
using BackupConsole.Core.Plans;
using BackupConsole.Core.Tenancy;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

/// <summary>
/// The 备份计划 page's server render: the page component rendered by Blazor's renderer in-process (bUnit, as a
/// circuit renders it, without the network), from the first render until its first page of rows is in the markup,
/// over the bench's real Core services and database.
/// </summary>
internal static class PlanPageRender
{
    public static async Task<List<double>> MeasureAsync(IServiceProvider core, int loads)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
        await using var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddLocalization();
        ctx.Services.AddScoped(_ => core.GetRequiredService<PlanService>());
        ctx.Services.AddScoped(_ => core.GetRequiredService<ProjectGroupService>());
        ctx.Services.AddSingleton(_ => core.GetRequiredService<PlanTimerText>());
        ctx.AddAuthorization().SetAuthorized("bench");

        var times = new List<double>();
        for (var i = 0; i <= loads; i++)
        {
            var watch = Stopwatch.StartNew();
            var page = ctx.Render(b =>
            {
                b.OpenComponent<MudPopoverProvider>(0);
                b.CloseComponent();
                b.OpenComponent<MudDialogProvider>(1);
                b.CloseComponent();
                b.OpenComponent<MudSnackbarProvider>(2);
                b.CloseComponent();
                b.OpenComponent<PlansPage>(3);
                b.CloseComponent();
            });
            // Watched in the render tree, not the markup: bUnit turns markup into a DOM on every look, which a
            // circuit never does, and that would be counted as render time.
            var table = page.FindComponent<MudTable<PlanView>>();
            page.WaitForState(() => table.Instance.FilteredItems.Count() >= 20, TimeSpan.FromSeconds(30));
            var elapsed = watch.Elapsed.TotalMilliseconds;
            if (page.FindAll("[data-testid=plans-table] tbody tr").Count < 20)
                throw new InvalidOperationException("The page did not render its first 20 plans.");
            if (i > 0) // the first load compiles the queries and warms the renderer
                times.Add(elapsed);
            await ctx.DisposeComponentsAsync();
        }
        return times;
    }
}
