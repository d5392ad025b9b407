using BackupConsole.Core.Plans;

namespace BackupConsole.Jobs;

/// <summary>Rebuilds every plan's triggers from the database when the console starts, and fails runs a killed console left open.</summary>
internal sealed class PlanScheduleStartup(PlanScheduler scheduler, PlanRunner runner) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) => await scheduler.RebuildAsync(cancellationToken);

    // Runs still going are cancelled and recorded as failed before the process ends.
    public async Task StopAsync(CancellationToken cancellationToken) => await runner.DisposeAsync();
}
