using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BackupConsole.Core.Security;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BackupConsole.Core.Alerts;

/// <summary>What a notification says: which rule, on which plan, firing or resolved, with what value.</summary>
public sealed record AlertNotice(
    string RuleId, string PlanId, string PlanName, AlertMetric Metric, AlertComparison Comparison, double Threshold, double Value,
    AlertRecordStatus Status, DateTimeOffset At);

/// <summary>
/// Delivers alert notices (R-MON-2). Webhooks get a JSON POST signed with the channel's secret —
/// <c>X-BackupConsole-Signature: sha256=HEX(HMAC-SHA256(secret, timestamp + "." + body))</c> with the timestamp in
/// <c>X-BackupConsole-Timestamp</c> — retried with backoff; e-mail goes through the operator's SMTP server with MailKit.
/// </summary>
public sealed class AlertNotifier(IHttpClientFactory http, ISecretProtector secrets, IOptions<AlertOptions> options, TimeProvider clock, ILogger<AlertNotifier> logger)
{
    public const string SignatureHeader = "X-BackupConsole-Signature";
    public const string TimestampHeader = "X-BackupConsole-Timestamp";
    public const string HttpClientName = "alert-webhooks";

    public static string Sign(string secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body)));

    /// <returns>One line per channel saying how delivery went.</returns>
    public async Task<string> NotifyAsync(IReadOnlyList<NotificationChannel> channels, AlertNotice notice, CancellationToken ct)
    {
        var results = new List<string>();
        foreach (var channel in channels)
        {
            try
            {
                if (channel.Kind == ChannelKind.Webhook)
                    await PostAsync(channel, notice, ct);
                else
                    await MailAsync(channel, notice, ct);
                results.Add($"{channel.Name}: ok");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Alert {RuleId} could not be delivered to channel {Channel}", notice.RuleId, channel.Name);
                results.Add($"{channel.Name}: {ex.Message}");
            }
        }
        return string.Join("\n", results);
    }

    private async Task PostAsync(NotificationChannel channel, AlertNotice notice, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new
        {
            ruleId = notice.RuleId, planId = notice.PlanId, planName = notice.PlanName, metric = notice.Metric.ToString(),
            comparison = notice.Comparison.ToString(), threshold = notice.Threshold, value = notice.Value,
            status = notice.Status == AlertRecordStatus.Firing ? "firing" : "resolved", at = notice.At,
        });
        var secret = channel.ProtectedSecret is null ? "" : secrets.Unprotect(channel.ProtectedSecret);
        var client = http.CreateClient(HttpClientName);
        client.Timeout = TimeSpan.FromSeconds(options.Value.WebhookTimeoutSeconds);
        var attempts = options.Value.WebhookAttempts;
        for (var attempt = 1; ; attempt++)
        {
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(TimestampHeader, timestamp);
            request.Headers.Add(SignatureHeader, Sign(secret, timestamp, body));
            string failure;
            bool retry;
            try
            {
                using var response = await client.SendAsync(request, ct);
                if (response.IsSuccessStatusCode)
                    return;
                failure = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
                // A client error other than timeout or throttling will not change by asking again.
                retry = (int)response.StatusCode is >= 500 or 408 or 429;
            }
            catch (HttpRequestException ex)
            {
                (failure, retry) = (ex.Message, true);
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                (failure, retry) = ($"no answer within {options.Value.WebhookTimeoutSeconds} s", true);
            }
            if (!retry || attempt >= attempts)
                throw new HttpRequestException($"{failure} (attempt {attempt} of {attempts})");
            await Task.Delay(TimeSpan.FromSeconds(Math.Pow(2, attempt - 1)), clock, ct);
        }
    }

    private async Task MailAsync(NotificationChannel channel, AlertNotice notice, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
            throw new InvalidOperationException("No SMTP server is configured (Alerts:Smtp:Host).");
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        foreach (var to in (channel.Recipients ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            message.To.Add(MailboxAddress.Parse(to));
        var state = notice.Status == AlertRecordStatus.Firing ? "FIRING" : "RESOLVED";
        message.Subject = $"[BackupConsole] {state}: {notice.PlanName} {notice.Metric} {notice.Value.ToString("0.##", CultureInfo.InvariantCulture)}";
        message.Body = new TextPart("plain")
        {
            Text = $"Plan: {notice.PlanName} ({notice.PlanId})\nRule: {notice.RuleId}\nMetric: {notice.Metric} {notice.Comparison} " +
                   $"{notice.Threshold.ToString(CultureInfo.InvariantCulture)}\nValue: {notice.Value.ToString(CultureInfo.InvariantCulture)}\nStatus: {state}\nAt: {notice.At:u}\n",
        };
        using var client = new SmtpClient();
        var security = Enum.TryParse<SecureSocketOptions>(smtp.Security, ignoreCase: true, out var parsed) ? parsed : SecureSocketOptions.StartTls;
        await client.ConnectAsync(smtp.Host, smtp.Port, security, ct);
        if (smtp.UserName.Length > 0)
            await client.AuthenticateAsync(smtp.UserName, smtp.Password, ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}
