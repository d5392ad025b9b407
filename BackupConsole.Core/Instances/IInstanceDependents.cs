namespace BackupConsole.Core.Instances;

/// <summary>What uses an instance and so blocks its deletion: backup plans plug in here.</summary>
public interface IInstanceDependents
{
    /// <summary>Names of the signed-in tenant's plans that back up the instance; empty when none.</summary>
    Task<IReadOnlyList<string>> PlansUsingAsync(string instanceId, CancellationToken ct);
}
