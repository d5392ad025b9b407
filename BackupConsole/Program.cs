using BackupConsole.Account;
using BackupConsole.Api;
using BackupConsole.Cli;
using BackupConsole.Components;
using BackupConsole.Core.Data;
using BackupConsole.Hosting;

// a verb runs one operator command on the same engine; no verb serves the console.
if (OperatorCommandLine.IsInvocation(args))
    return await OperatorCommandLine.RunAsync(args, Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddBackupConsoleWeb(builder.Configuration);
// The console takes no uploads: a form or message larger than this is refused (413) before it is read.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = WebLimits.MaxRequestBodyBytes);

var app = builder.Build();
await app.Services.InitializeDatabaseAsync();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}
app.UseSecurityHeaders();
// Pages get the console's not-found page; the REST API gets problem details, never HTML.
app.UseWhen(context => context.Request.Path.StartsWithSegments(ApiSetup.ApiPath), api => api.UseStatusCodePages(ApiSetup.WriteBareStatusAsync));
app.UseWhen(context => !context.Request.Path.StartsWithSegments(ApiSetup.ApiPath),
    pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
app.UseRequestLocalization();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapAccountEndpoints();
app.MapBackupConsoleApi();
app.MapConsoleHealthChecks();

await app.RunAsync();
return 0;

/// <summary>Visible to tests that host the app.</summary>
public partial class Program;
