using System.Net;
using BackupConsole.Core.Common;
using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Localization;
using BackupConsole.Core.Monitoring;
using BackupConsole.Core.Security;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BackupConsole.Core.Alerts;

public sealed record AlertRuleInput(
    AlertMetric Metric, AlertComparison Comparison, double Threshold, int DurationSeconds, int SilenceMinutes, IReadOnlyList<string> ChannelIds, bool Enabled = true);

public sealed record ChannelInput(string Name, ChannelKind Kind, string? Url = null, string? Secret = null, string? Recipients = null);

public sealed record ChannelView(string Id, string Name, ChannelKind Kind, string? Url, string? Recipients, bool HasSecret, IReadOnlyList<string> UsedByRules);

public sealed record AlertView(long Id, string RuleId, string PlanId, string PlanName, AlertMetric Metric, AlertRecordStatus Status, double Value, double Threshold,
    DateTimeOffset FiredAt, DateTimeOffset? ResolvedAt, string? Delivery);

public sealed record AlertPage(IReadOnlyList<AlertView> Items, int Total);

/// <summary>The signed-in tenant's alert rules per plan (修改监控告警, R-MON-2), notification channels and alerts.</summary>
public sealed class AlertService(
    IDbContextFactory<BackupDbContext> dbFactory,
    ISecretProtector secrets,
    AlertNotifier notifier,
    EventLog events,
    IOptions<AlertOptions> options,
    IStringLocalizer<CoreText> text,
    TimeProvider clock)
{
    public const int MaxDurationSeconds = 86_400;
    public const int MaxSilenceMinutes = 1_440;
    public const int MaxRecipients = 20;

    public bool EmailAvailable => !string.IsNullOrWhiteSpace(options.Value.Smtp.Host);

    public async Task<IReadOnlyList<AlertRule>> ListRulesAsync(string planId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        return await db.AlertRules.AsNoTracking().Where(r => r.PlanId == planId).OrderBy(r => r.CreatedAt).ToListAsync(ct);
    }

    /// <summary>Creates (<paramref name="ruleId"/> null) or updates a rule of the plan; snapshot plans bind none.</summary>
    public async Task<OperationResult<string>> SaveRuleAsync(string planId, AlertRuleInput input, string? ruleId = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == planId, ct);
        if (plan is null)
            return OperationResult<string>.NotFound(text["Plan.NotFound"]);
        if (!MonitoringRules.Applies(plan.BackupType))
            return OperationResult<string>.Fail("", text["Alert.SnapshotPlan"]);
        var errors = new List<FieldError>();
        var threshold = input.Metric == AlertMetric.BackupFailed ? 1 : input.Threshold;
        var comparison = input.Metric == AlertMetric.BackupFailed ? AlertComparison.GreaterOrEqual : input.Comparison;
        if (double.IsNaN(threshold) || double.IsInfinity(threshold) || threshold < 0 || (input.Metric == AlertMetric.CpuPercent && threshold > 100))
            errors.Add(new("Threshold", text[input.Metric == AlertMetric.CpuPercent ? "Alert.ThresholdPercent" : "Alert.ThresholdPositive"]));
        if (input.DurationSeconds is < 0 or > MaxDurationSeconds)
            errors.Add(new("DurationSeconds", text["Alert.DurationRange", MaxDurationSeconds]));
        if (input.SilenceMinutes is < 1 or > MaxSilenceMinutes)
            errors.Add(new("SilenceMinutes", text["Alert.SilenceRange", MaxSilenceMinutes]));
        var channels = input.ChannelIds.Distinct().ToList();
        if (await db.NotificationChannels.CountAsync(c => channels.Contains(c.Id), ct) != channels.Count)
            errors.Add(new("ChannelIds", text["Alert.ChannelUnknown"]));
        if (errors.Count > 0)
            return OperationResult<string>.Fail(errors);

        var now = clock.GetUtcNow();
        AlertRule rule;
        if (ruleId is null)
        {
            rule = new AlertRule { Id = ResourceIds.New(ResourceIds.AlertRule), PlanId = planId, CreatedAt = now };
            db.AlertRules.Add(rule);
        }
        else
        {
            rule = await db.AlertRules.SingleOrDefaultAsync(r => r.Id == ruleId && r.PlanId == planId, ct)
                   ?? throw new TenantAccessException($"Alert rule {ruleId} is not one of the plan's rules.");
        }
        rule.Metric = input.Metric;
        rule.Comparison = comparison;
        rule.Threshold = threshold;
        rule.DurationSeconds = input.DurationSeconds;
        rule.SilenceMinutes = input.SilenceMinutes;
        rule.ChannelIds = string.Join(",", channels);
        rule.Enabled = input.Enabled;
        rule.UpdatedAt = now;
        await events.RecordAsync(db, planId, ruleId is null ? "AlertRuleCreated" : "AlertRuleUpdated", EventLevel.Info,
            $"{rule.Id}: {rule.Metric} {rule.Comparison} {rule.Threshold:0.##}, {rule.DurationSeconds} s", ct);
        await db.SaveChangesAsync(ct);
        return OperationResult<string>.Ok(rule.Id);
    }

    public async Task<OperationResult> DeleteRuleAsync(string ruleId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var rule = await db.AlertRules.SingleOrDefaultAsync(r => r.Id == ruleId, ct);
        if (rule is null)
            return OperationResult.NotFound(text["Alert.RuleNotFound"]);
        db.AlertRules.Remove(rule);
        // An open alert ends with its rule.
        if (rule.OpenAlertId is { } open && await db.AlertRecords.SingleOrDefaultAsync(a => a.Id == open, ct) is { } record)
            (record.Status, record.ResolvedAt) = (AlertRecordStatus.Resolved, clock.GetUtcNow());
        await events.RecordAsync(db, rule.PlanId, "AlertRuleDeleted", EventLevel.Info, rule.Id, ct);
        await db.SaveChangesAsync(ct);
        return OperationResult.Ok();
    }

    public async Task<IReadOnlyList<ChannelView>> ListChannelsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var channels = await db.NotificationChannels.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
        var rules = await db.AlertRules.AsNoTracking().Select(r => new { r.Id, r.ChannelIds }).ToListAsync(ct);
        return channels.Select(c => new ChannelView(c.Id, c.Name, c.Kind, c.Url, c.Recipients, c.ProtectedSecret is not null,
            rules.Where(r => r.ChannelIds.Split(',').Contains(c.Id)).Select(r => r.Id).ToList())).ToList();
    }

    public async Task<OperationResult<string>> CreateChannelAsync(ChannelInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var errors = new List<FieldError>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > NotificationChannel.MaxNameLength)
            errors.Add(new("Name", text["Alert.ChannelNameRequired", NotificationChannel.MaxNameLength]));
        else if (await db.NotificationChannels.AnyAsync(c => c.Name == name, ct))
            errors.Add(new("Name", text["Alert.ChannelNameTaken", name]));
        if (input.Kind == ChannelKind.Webhook)
        {
            if (!Uri.TryCreate(input.Url?.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.UserInfo.Length > 0
                || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && StoragePools.StoragePoolRules.IsMetadataOrLinkLocal(ip)))
                errors.Add(new("Url", text["Alert.WebhookUrlInvalid"]));
            if (input.Secret is not { Length: >= 16 and <= 256 })
                errors.Add(new("Secret", text["Alert.WebhookSecretLength"]));
        }
        else
        {
            var recipients = (input.Recipients ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (recipients.Length is 0 or > MaxRecipients || recipients.Any(r => !MailboxAddress.TryParse(r, out var m) || !m.Address.Contains('@')))
                errors.Add(new("Recipients", text["Alert.RecipientsInvalid", MaxRecipients]));
            if (!EmailAvailable)
                errors.Add(new("Kind", text["Alert.NoSmtp"]));
        }
        if (errors.Count > 0)
            return OperationResult<string>.Fail(errors);
        var channel = new NotificationChannel
        {
            Id = ResourceIds.New(ResourceIds.Channel), Name = name, Kind = input.Kind, CreatedAt = clock.GetUtcNow(),
            Url = input.Kind == ChannelKind.Webhook ? input.Url!.Trim() : null,
            ProtectedSecret = input.Kind == ChannelKind.Webhook ? secrets.Protect(input.Secret!) : null,
            Recipients = input.Kind == ChannelKind.Email ? string.Join(",", input.Recipients!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) : null,
        };
        db.NotificationChannels.Add(channel);
        await db.SaveChangesAsync(ct);
        return OperationResult<string>.Ok(channel.Id);
    }

    /// <summary>Refused while rules notify through it (they are named).</summary>
    public async Task<OperationResult> DeleteChannelAsync(string channelId, CancellationToken ct = default)
    {
        var channel = (await ListChannelsAsync(ct)).SingleOrDefault(c => c.Id == channelId);
        if (channel is null)
            return OperationResult.NotFound(text["Alert.ChannelNotFound"]);
        if (channel.UsedByRules.Count > 0)
            return OperationResult.Fail("", text["Alert.ChannelInUse", channel.Name, string.Join(", ", channel.UsedByRules)]);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.NotificationChannels.Where(c => c.Id == channelId).ExecuteDeleteAsync(ct);
        return OperationResult.Ok();
    }

    /// <summary>Sends a test notice through the channel and says how it went.</summary>
    public async Task<OperationResult<string>> TestChannelAsync(string channelId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var channel = await db.NotificationChannels.AsNoTracking().SingleOrDefaultAsync(c => c.Id == channelId, ct);
        if (channel is null)
            return OperationResult<string>.NotFound(text["Alert.ChannelNotFound"]);
        var notice = new AlertNotice("test", "test", "test", AlertMetric.BackupFailed, AlertComparison.GreaterOrEqual, 1, 1, AlertRecordStatus.Firing, clock.GetUtcNow());
        var outcome = await notifier.NotifyAsync([channel], notice, ct);
        return outcome.EndsWith(": ok", StringComparison.Ordinal) ? OperationResult<string>.Ok(outcome) : OperationResult<string>.Fail("", outcome);
    }

    public async Task<AlertPage> ListAlertsAsync(AlertRecordStatus? status, int page = 0, int pageSize = 20, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var rows = db.AlertRecords.AsNoTracking().Where(a => status == null || a.Status == status);
        var total = await rows.CountAsync(ct);
        pageSize = Math.Clamp(pageSize, 1, 200);
        var items = await (
                from a in rows
                join p in db.Plans on a.PlanId equals p.Id into plans
                from p in plans.DefaultIfEmpty()
                orderby a.FiredAt descending, a.Id descending
                select new AlertView(a.Id, a.RuleId, a.PlanId, p == null ? a.PlanId : p.Name, a.Metric, a.Status, a.Value, a.Threshold, a.FiredAt, a.ResolvedAt, a.Delivery))
            .Skip(Math.Max(0, page) * pageSize).Take(pageSize).ToListAsync(ct);
        return new AlertPage(items, total);
    }
}
