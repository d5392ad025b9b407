namespace BackupConsole.Core.Plans;

/// <summary>
/// The list's 状态 (R-PLAN-3), derived when read: unavailable while its pool is offline (R-PLAN-13), then paused
/// (by hand or because its source went offline, R-PLAN-10/11), running while a run is under way, failed when the
/// last run failed, otherwise available.
/// </summary>
public enum PlanStatus
{
    Available,
    Running,
    Paused,
    Unavailable,
    Failed,
}
