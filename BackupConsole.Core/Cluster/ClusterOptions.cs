using System.ComponentModel.DataAnnotations;

namespace BackupConsole.Core.Cluster;

/// <summary>
/// Several console nodes on one MySQL/MariaDB metadata database, bound from the "Cluster" section. Off by
/// default: one console keeps its schedule in memory, rebuilt from the plans at start.
/// </summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>Share one schedule through Quartz's clustered ADO.NET job store in the metadata database. Needs
    /// <c>Database:Provider</c> = MySql, and every node on the same database and data-protection keys.</summary>
    public bool Enabled { get; set; }

    /// <summary>This node's name, unique in the cluster; empty: the host name and a random suffix per start.</summary>
    [MaxLength(100)]
    public string NodeName { get; set; } = "";

    /// <summary>How often each node checks in; a node silent for about twice this long is taken as stopped, and
    /// its triggers and runs are taken over.</summary>
    [Range(1, 300)]
    public int CheckinIntervalSeconds { get; set; } = 5;

    /// <summary>How often a node looks for runs and restores left running by a stopped node.</summary>
    [Range(5, 3600)]
    public int RecoverySweepSeconds { get; set; } = 15;
}
