namespace BackupConsole.Core.Plans;

/// <summary>How a plan runs (R-SCOPE-2): 定时执行 on its timer, or 手动执行 only when asked.</summary>
public enum PlanStrategy
{
    Scheduled,
    Manual,
}
