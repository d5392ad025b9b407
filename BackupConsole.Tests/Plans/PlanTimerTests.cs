using System.Globalization;
using BackupConsole.Core.Plans;
using BackupConsole.Tests.Support;

namespace BackupConsole.Tests.Plans;

/// <summary>The timer of scheduled plans (R-PLAN-1, R-PLAN-7): cron expressions, next times in the plan's zone, validation, readable text.</summary>
[Trait(CoreTestHost.SuiteTrait, CoreTestHost.CoreSuite)]
public sealed class PlanTimerTests
{
    private static readonly DateTimeOffset Tuesday = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_daily_time_is_meant_in_the_plans_time_zone()
    {
        var timer = PlanTimer.Daily("Asia/Shanghai", new TimeOnly(2, 0));

        Assert.Equal(["0 0 2 * * ?"], timer.CronExpressions());
        // 02:00 in Shanghai (UTC+8) is 18:00 UTC the day before.
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 18, 0, 0, TimeSpan.Zero), timer.NextAfter(Tuesday));
    }

    [Fact]
    public void Weekly_and_monthly_timers_fire_on_their_days_only_and_several_times_take_the_earliest()
    {
        var weekly = new PlanTimer(RepeatCycle.Weekly, [1, 3], [new TimeOnly(9, 30), new TimeOnly(6, 15)], "UTC");
        var monthly = new PlanTimer(RepeatCycle.Monthly, [31], [new TimeOnly(1, 0)], "UTC");

        Assert.Equal(["0 15 6 ? * MON,WED", "0 30 9 ? * MON,WED"], weekly.CronExpressions());
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 6, 15, 0, TimeSpan.Zero), weekly.NextAfter(Tuesday));
        // November has 30 days: the 31st is in December.
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 1, 0, 0, TimeSpan.Zero), monthly.NextAfter(Tuesday));
    }

    [Fact]
    public void Timers_that_would_never_fire_or_cannot_be_read_are_refused()
    {
        Assert.Contains(("TimerDays", "Plan.TimerWeekdaysInvalid"), new PlanTimer(RepeatCycle.Weekly, [], [new TimeOnly(1, 0)], "UTC").Problems());
        Assert.Contains(("TimerDays", "Plan.TimerWeekdaysInvalid"), new PlanTimer(RepeatCycle.Weekly, [8], [new TimeOnly(1, 0)], "UTC").Problems());
        Assert.Contains(("TimerDays", "Plan.TimerMonthDaysInvalid"), new PlanTimer(RepeatCycle.Monthly, [0, 32], [new TimeOnly(1, 0)], "UTC").Problems());
        Assert.Contains(("TimerTimes", "Plan.TimerTimesInvalid"), PlanTimer.Daily("UTC").Problems());
        Assert.Contains(("TimerTimes", "Plan.TimerTimesInvalid"), PlanTimer.Daily("UTC", new TimeOnly(1, 0), new TimeOnly(1, 0)).Problems());
        Assert.Contains(("TimerTimes", "Plan.TimerTimesInvalid"), PlanTimer.Daily("UTC", new TimeOnly(1, 0, 30)).Problems());
        Assert.Contains(("TimeZone", "Plan.TimeZoneUnknown"), PlanTimer.Daily("Mars/Olympus", new TimeOnly(1, 0)).Problems());
        Assert.Null(PlanTimer.Daily("Mars/Olympus", new TimeOnly(1, 0)).NextAfter(Tuesday));
        Assert.Empty(new PlanTimer(RepeatCycle.Monthly, [1, 15], [new TimeOnly(23, 59)], "Europe/Berlin").Problems());
    }

    [Fact]
    public async Task Timers_read_back_as_text_in_the_UI_language()
    {
        await using var host = await CoreTestHost.StartAsync();
        var text = host.Get<PlanTimerText>();
        var weekly = new PlanTimer(RepeatCycle.Weekly, [3, 1], [new TimeOnly(14, 30), new TimeOnly(2, 0)], "Asia/Shanghai");
        var monthly = new PlanTimer(RepeatCycle.Monthly, [15, 1], [new TimeOnly(3, 5)], "UTC");

        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        Assert.Equal("每周一、周三 02:00、14:30（Asia/Shanghai）", text.Describe(weekly));
        Assert.Equal("每月 1、15 日 03:05（UTC）", text.Describe(monthly));
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        Assert.Equal("Weekly on Mon, Wed at 02:00, 14:30 (Asia/Shanghai)", text.Describe(weekly));
        Assert.Equal("Daily at 02:00 (UTC)", text.Describe(PlanTimer.Daily("UTC", new TimeOnly(2, 0))));
    }

    [Fact]
    public void A_timer_survives_being_stored_on_a_plan()
    {
        var timer = new PlanTimer(RepeatCycle.Weekly, [1, 5], [new TimeOnly(8, 0), new TimeOnly(20, 45)], "Europe/Berlin");
        var plan = new BackupPlan { Id = "dbs-x", Name = "x", InstanceId = "i", BackupType = "snapshot", PoolId = "p", ProjectGroupId = "g", Timer = timer };

        Assert.Equal(timer.CronExpressions(), plan.Timer.CronExpressions());
        Assert.Equal(timer.TimeZone, plan.Timer.TimeZone);
    }
}
