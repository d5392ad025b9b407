using BackupConsole.Core.Data;

namespace BackupConsole.Core.Instances;

/// <summary>Told when the health job finds an instance gone offline or back online: plans pause and resume on it (R-PLAN-11).</summary>
public interface IInstanceStatusListener
{
    /// <summary>Stages its changes in <paramref name="db"/> (a system context); the health job saves them with the status change.</summary>
    Task OnStatusChangedAsync(BackupDbContext db, Instance instance, CancellationToken ct);

    /// <summary>After the changes are saved: work outside the database (the scheduler's triggers).</summary>
    Task AfterSavedAsync(IReadOnlyList<Instance> changed, CancellationToken ct);
}
