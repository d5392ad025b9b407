namespace BackupConsole.Core.Instances;

/// <summary>What the health job last found: Unknown until the first check.</summary>
public enum InstanceStatus
{
    Unknown,
    Online,
    Offline,
}
