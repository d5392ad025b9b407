using System.Globalization;
using Quartz;

namespace BackupConsole.Core.Plans;

/// <summary>
/// A scheduled plan's 定时器: a repeat cycle (daily; weekly on chosen weekdays; monthly on chosen dates), one or more
/// execution times, and the time zone they are meant in. It becomes one Quartz cron expression per time.
/// </summary>
public sealed record PlanTimer(RepeatCycle Cycle, IReadOnlyList<int> Days, IReadOnlyList<TimeOnly> Times, string TimeZone)
{
    public const int MaxTimes = 24;

    private static readonly string[] QuartzWeekdays = ["", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

    public static PlanTimer Daily(string timeZone, params TimeOnly[] times) => new(RepeatCycle.Daily, [], times, timeZone);

    public static PlanTimer FromStored(RepeatCycle cycle, string days, string times, string timeZone) => new(
        cycle,
        days.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToList(),
        times.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(t => TimeOnly.ParseExact(t, "HH:mm", CultureInfo.InvariantCulture)).ToList(),
        timeZone);

    /// <summary>What is wrong with the timer, as resource keys of CoreText with their arguments; empty when it will fire.</summary>
    public IReadOnlyList<(string Field, string Key)> Problems()
    {
        var problems = new List<(string, string)>();
        if (!Enum.IsDefined(Cycle))
            problems.Add(("Timer", "Plan.TimerCycleInvalid"));
        if (Times.Count == 0 || Times.Count > MaxTimes || Times.Distinct().Count() != Times.Count)
            problems.Add(("TimerTimes", "Plan.TimerTimesInvalid"));
        if (Times.Any(t => t.Second != 0 || t.Millisecond != 0))
            problems.Add(("TimerTimes", "Plan.TimerTimesInvalid"));
        switch (Cycle)
        {
            case RepeatCycle.Weekly when Days.Count == 0 || Days.Any(d => d is < 1 or > 7):
                problems.Add(("TimerDays", "Plan.TimerWeekdaysInvalid"));
                break;
            case RepeatCycle.Monthly when Days.Count == 0 || Days.Any(d => d is < 1 or > 31):
                problems.Add(("TimerDays", "Plan.TimerMonthDaysInvalid"));
                break;
        }
        if (TimeZoneOrNull(TimeZone) is null)
            problems.Add(("TimeZone", "Plan.TimeZoneUnknown"));
        return problems;
    }

    public static TimeZoneInfo? TimeZoneOrNull(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;

    /// <summary>One Quartz cron expression per execution time, meant in <see cref="TimeZone"/>.</summary>
    public IReadOnlyList<string> CronExpressions()
    {
        var days = string.Join(",", Days.Distinct().Order().Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var weekdays = Cycle == RepeatCycle.Weekly ? string.Join(",", Days.Distinct().Order().Select(d => QuartzWeekdays[d])) : "";
        return Times.Order().Select(t => Cycle switch
        {
            RepeatCycle.Daily => $"0 {t.Minute} {t.Hour} * * ?",
            RepeatCycle.Weekly => $"0 {t.Minute} {t.Hour} ? * {weekdays}",
            _ => $"0 {t.Minute} {t.Hour} {days} * ?",
        }).ToList();
    }

    /// <summary>The first execution strictly after <paramref name="after"/>; null if the timer is invalid.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        if (Problems().Count > 0)
            return null;
        var zone = TimeZoneOrNull(TimeZone)!;
        return CronExpressions()
            .Select(e => new CronExpression(e, zone).GetNextValidTimeAfter(after))
            .Where(t => t is not null)
            .Min();
    }
}
