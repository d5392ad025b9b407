namespace BackupConsole.Core.Plans;

/// <summary>The timer's 重复周期.</summary>
public enum RepeatCycle
{
    Daily,
    Weekly,
    Monthly,
}
