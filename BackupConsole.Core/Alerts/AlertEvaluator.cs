using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Monitoring;
using BackupConsole.Core.Plans;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackupConsole.Core.Alerts;

/// <summary>
/// Evaluates every enabled rule of every tenant (R-MON-2). A metric rule looks at the plan's newest sample (none
/// within two sample periods means no run, so nothing breaches); backup failed looks at the plan's last finished
/// run; backup duration at the running run's age or the last run's duration. A breach that lasts the rule's
/// duration fires: an alert record, an event and notifications (repeated at most once per silence period);
/// when the breach ends the alert is resolved, with an event and a recovery notification.
/// </summary>
public sealed class AlertEvaluator(TenantDbFactory dbFactory, EventLog events, AlertNotifier notifier, IOptions<MonitoringOptions> monitoring, TimeProvider clock)
{
    public sealed record Result(int Fired, int Resolved, int Renotified);

    public async Task<Result> EvaluateAsync(CancellationToken ct)
    {
        await using var db = dbFactory.ForSystem();
        var now = clock.GetUtcNow();
        var rules = await db.AlertRules.Where(r => r.Enabled).ToListAsync(ct);
        int fired = 0, resolved = 0, renotified = 0;
        foreach (var rule in rules)
        {
            var value = await ValueAsync(db, rule, now, ct);
            var breaching = value is { } v && Breaches(rule.Comparison, v, rule.Threshold);
            if (breaching)
            {
                rule.BreachingSince ??= now;
                if (rule.State == AlertState.Ok && now - rule.BreachingSince.Value >= TimeSpan.FromSeconds(rule.DurationSeconds))
                {
                    await FireAsync(db, rule, value!.Value, now, ct);
                    fired++;
                }
                else if (rule.State == AlertState.Firing && rule.LastNotifiedAt is { } last && now - last >= TimeSpan.FromMinutes(Math.Max(1, rule.SilenceMinutes)))
                {
                    // Still firing after the silence period: remind.
                    var record = await db.AlertRecords.SingleAsync(a => a.Id == rule.OpenAlertId, ct);
                    record.Value = value!.Value;
                    record.Delivery = await NotifyAsync(db, rule, record, now, ct);
                    rule.LastNotifiedAt = now;
                    renotified++;
                }
            }
            else
            {
                rule.BreachingSince = null;
                if (rule.State == AlertState.Firing)
                {
                    await ResolveAsync(db, rule, value ?? 0, now, ct);
                    resolved++;
                }
            }
            await db.SaveChangesAsync(ct);
        }
        return new Result(fired, resolved, renotified);
    }

    public static bool Breaches(AlertComparison comparison, double value, double threshold) => comparison switch
    {
        AlertComparison.GreaterThan => value > threshold,
        AlertComparison.GreaterOrEqual => value >= threshold,
        AlertComparison.LessThan => value < threshold,
        _ => value <= threshold,
    };

    private async Task<double?> ValueAsync(BackupDbContext db, AlertRule rule, DateTimeOffset now, CancellationToken ct)
    {
        switch (rule.Metric)
        {
            case AlertMetric.BackupFailed:
                var last = await db.BackupData.IgnoreQueryFilters().AsNoTracking()
                    .Where(d => d.PlanId == rule.PlanId && d.TenantId == rule.TenantId && (d.Status == BackupDataStatus.Available || d.Status == BackupDataStatus.Failed))
                    .OrderByDescending(d => d.StartedAt).Select(d => (BackupDataStatus?)d.Status).FirstOrDefaultAsync(ct);
                return last == BackupDataStatus.Failed ? 1 : 0;
            case AlertMetric.BackupDurationSeconds:
                var run = await db.BackupData.IgnoreQueryFilters().AsNoTracking()
                    .Where(d => d.PlanId == rule.PlanId && d.TenantId == rule.TenantId && d.Status != BackupDataStatus.Deleting)
                    .OrderByDescending(d => d.StartedAt).Select(d => new { d.StartedAt, d.FinishedAt }).FirstOrDefaultAsync(ct);
                return run is null ? null : ((run.FinishedAt ?? now) - run.StartedAt).TotalSeconds;
            default:
                var since = now.AddSeconds(-2 * monitoring.Value.SampleSeconds).ToUnixTimeMilliseconds();
                var sample = await db.PlanMetrics.IgnoreQueryFilters().AsNoTracking()
                    .Where(m => m.PlanId == rule.PlanId && m.TenantId == rule.TenantId && m.AtMs >= since)
                    .OrderByDescending(m => m.AtMs).FirstOrDefaultAsync(ct);
                return sample is null ? null : rule.Metric switch
                {
                    AlertMetric.CpuPercent => sample.CpuPercent,
                    AlertMetric.MemoryBytes => sample.MemoryBytes,
                    AlertMetric.NetInBytesPerSecond => sample.NetInBytesPerSecond,
                    _ => sample.NetOutBytesPerSecond,
                };
        }
    }

    private async Task FireAsync(BackupDbContext db, AlertRule rule, double value, DateTimeOffset now, CancellationToken ct)
    {
        var record = new AlertRecord
        {
            TenantId = rule.TenantId, RuleId = rule.Id, PlanId = rule.PlanId, Metric = rule.Metric, Status = AlertRecordStatus.Firing, Value = value,
            Threshold = rule.Threshold, FiredAt = now,
        };
        db.AlertRecords.Add(record);
        await db.SaveChangesAsync(ct);
        rule.State = AlertState.Firing;
        rule.OpenAlertId = record.Id;
        rule.LastNotifiedAt = now;
        await events.RecordAsync(db, rule.Id, "AlertFiring", EventLevel.Critical, Describe(rule, value), ct, rule.TenantId);
        await events.RecordAsync(db, rule.PlanId, "AlertFiring", EventLevel.Critical, Describe(rule, value), ct, rule.TenantId);
        record.Delivery = await NotifyAsync(db, rule, record, now, ct);
    }

    private async Task ResolveAsync(BackupDbContext db, AlertRule rule, double value, DateTimeOffset now, CancellationToken ct)
    {
        var record = rule.OpenAlertId is { } id ? await db.AlertRecords.SingleOrDefaultAsync(a => a.Id == id, ct) : null;
        rule.State = AlertState.Ok;
        rule.OpenAlertId = null;
        await events.RecordAsync(db, rule.Id, "AlertResolved", EventLevel.Info, Describe(rule, value), ct, rule.TenantId);
        await events.RecordAsync(db, rule.PlanId, "AlertResolved", EventLevel.Info, Describe(rule, value), ct, rule.TenantId);
        if (record is null)
            return;
        record.Status = AlertRecordStatus.Resolved;
        record.ResolvedAt = now;
        record.Delivery = await NotifyAsync(db, rule, record, now, ct, value);
    }

    private async Task<string> NotifyAsync(BackupDbContext db, AlertRule rule, AlertRecord record, DateTimeOffset now, CancellationToken ct, double? value = null)
    {
        var ids = rule.ChannelIds.Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (ids.Length == 0)
            return "";
        var channels = await db.NotificationChannels.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.TenantId == rule.TenantId && ids.Contains(c.Id)).ToListAsync(ct);
        var planName = await db.Plans.IgnoreQueryFilters().Where(p => p.Id == rule.PlanId).Select(p => p.Name).SingleOrDefaultAsync(ct) ?? rule.PlanId;
        var notice = new AlertNotice(rule.Id, rule.PlanId, planName, rule.Metric, rule.Comparison, rule.Threshold, value ?? record.Value, record.Status, now);
        return await notifier.NotifyAsync(channels, notice, ct);
    }

    private static string Describe(AlertRule rule, double value) =>
        $"{rule.Metric} {rule.Comparison} {rule.Threshold:0.##}: {value:0.##}";
}
