using System.ComponentModel.DataAnnotations;

namespace BackupConsole.Core.Instances;

/// <summary>Settings of the data sources (section <c>Instances</c>).</summary>
public sealed class InstanceOptions
{
    public const string Section = "Instances";

    /// <summary>The regions an instance can be placed in (源数据地域); the first is the default; none configured is one "default" region.</summary>
    public List<string> Regions { get; set; } = [];

    /// <summary>How often the health job checks every instance.</summary>
    [Range(5, 3600)]
    public int HealthCheckSeconds { get; set; } = 30;

    /// <summary>Time allowed for a connection test or a health check of one instance.</summary>
    [Range(1, 120)]
    public int ProbeTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Lets instances name link-local or cloud-metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254) as hosts
    /// or endpoints. Off by default, for the same reason as StoragePools:AllowLinkLocalEndpoints.
    /// </summary>
    public bool AllowLinkLocalHosts { get; set; }

    /// <summary>The configured regions, or a single "default" one when none is configured.</summary>
    public IReadOnlyList<string> EffectiveRegions => Regions.Count > 0 ? Regions : ["default"];
}
