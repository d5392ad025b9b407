using BackupConsole.Core.Localization;
using Microsoft.Extensions.Localization;

namespace BackupConsole.Core.Plans;

/// <summary>A timer as readable text for the list and the detail page, in the UI's language: 每周一、三 02:00（Asia/Shanghai）.</summary>
public sealed class PlanTimerText(IStringLocalizer<CoreText> text)
{
    public string Describe(PlanTimer timer)
    {
        var separator = text["Timer.ListSeparator"].Value;
        var times = string.Join(separator, timer.Times.Order().Select(t => t.ToString("HH\\:mm", System.Globalization.CultureInfo.InvariantCulture)));
        var days = timer.Days.Distinct().Order().ToList();
        return timer.Cycle switch
        {
            RepeatCycle.Daily => text["Timer.Daily", times, timer.TimeZone],
            RepeatCycle.Weekly => text["Timer.Weekly", string.Join(separator, days.Select(d => text[$"Timer.Weekday{d}"].Value)), times, timer.TimeZone],
            _ => text["Timer.Monthly", string.Join(separator, days), times, timer.TimeZone],
        };
    }
}
