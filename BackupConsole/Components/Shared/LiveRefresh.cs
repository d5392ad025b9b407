namespace BackupConsole.Components.Shared;

/// <summary>
/// Calls a page's refresh on a period until the page is left, so lists and charts follow what changes while they
/// are open (Blazor Server pushes each new render). <see cref="Token"/> ends with the page, for the calls it makes.
/// </summary>
public sealed class LiveRefresh : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public CancellationToken Token => _stop.Token;

    /// <summary>Starts the loop once; later calls do nothing.</summary>
    public void Start(TimeSpan period, Func<CancellationToken, Task> tick, TimeProvider? clock = null) =>
        _loop ??= RunAsync(period, tick, clock ?? TimeProvider.System);

    private async Task RunAsync(TimeSpan period, Func<CancellationToken, Task> tick, TimeProvider clock)
    {
        try
        {
            using var timer = new PeriodicTimer(period, clock);
            while (await timer.WaitForNextTickAsync(_stop.Token))
                await tick(_stop.Token);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The page was left.
        }
    }

    /// <summary>Stops the loop without waiting for it: a tick in flight may be queued on the page's renderer, which is disposing the page.</summary>
    public async ValueTask DisposeAsync() => await _stop.CancelAsync();
}
