using Microsoft.Extensions.Options;

namespace BackupConsole.Core.Cluster;

/// <summary>This console process as a node: the name its runs and restores are stamped with, and Quartz's
/// instance id when clustered (so a node's check-in row and its runs name the same node).</summary>
public sealed class ConsoleNode(IOptions<ClusterOptions> options)
{
    public string Id { get; } = options.Value.NodeName is { Length: > 0 } name
        ? name
        : $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";

    public bool Clustered => options.Value.Enabled;
}
