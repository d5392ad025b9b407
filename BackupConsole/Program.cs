using BackupConsole.Account;
using BackupConsole.Components;
using BackupConsole.Core.Data;
using BackupConsole.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddBackupConsoleWeb(builder.Configuration);

var app = builder.Build();
await app.Services.InitializeDatabaseAsync();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseRequestLocalization();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapAccountEndpoints();

app.Run();

/// <summary>Visible to tests that host the app.</summary>
public partial class Program;
