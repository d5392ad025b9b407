using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace BackupConsole.Tenancy;

/// <summary>Keeps <see cref="CurrentUser"/> in step with the circuit's authentication state, so Core services see the right tenant.</summary>
internal sealed class UserCircuitHandler(AuthenticationStateProvider authenticationStateProvider, CurrentUser currentUser, ILogger<UserCircuitHandler> logger)
    : CircuitHandler, IDisposable
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        authenticationStateProvider.AuthenticationStateChanged += OnAuthenticationStateChanged;
        return Task.CompletedTask;
    }

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            var state = await authenticationStateProvider.GetAuthenticationStateAsync();
            currentUser.SetCircuitUser(state.User);
            await next(context);
        };

    private void OnAuthenticationStateChanged(Task<AuthenticationState> task) => _ = UpdateAsync(task);

    private async Task UpdateAsync(Task<AuthenticationState> task)
    {
        try
        {
            currentUser.SetCircuitUser((await task).User);
        }
        catch (Exception ex)
        {
            // Keep the previous user rather than none; revalidation signs the circuit out if it is no longer valid.
            logger.LogWarning(ex, "Could not read the circuit's new authentication state");
        }
    }

    public void Dispose() => authenticationStateProvider.AuthenticationStateChanged -= OnAuthenticationStateChanged;
}
