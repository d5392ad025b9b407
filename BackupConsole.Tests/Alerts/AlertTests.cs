using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using BackupConsole.Core.Alerts;
using BackupConsole.Core.Data;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Monitoring;
using BackupConsole.Core.Plans;
using BackupConsole.Tests.Plans;
using BackupConsole.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupConsole.Tests.Alerts;

/// <summary>R-MON-2: rules evaluated on a clock the test moves, firing and recovery recorded and delivered to a real local webhook whose signature is checked.</summary>
[Trait(CoreTestHost.SuiteTrait, CoreTestHost.CoreSuite)]
public sealed class AlertTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A clock the test sets; timers still run in real time, so retries' backoff stays short and real.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>A webhook receiver on loopback: records each request; answers with the queued status codes, then 200.</summary>
    private sealed class WebhookListener : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        public WebhookListener(params int[] statuses)
        {
            Port = FreePort();
            foreach (var status in statuses)
                Statuses.Enqueue(status);
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public int Port { get; }

        public string Url => $"http://127.0.0.1:{Port}/hook";

        public ConcurrentQueue<int> Statuses { get; } = new();

        public ConcurrentQueue<(string Body, string Signature, string Timestamp)> Received { get; } = new();

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                Received.Enqueue((await reader.ReadToEndAsync(), context.Request.Headers[AlertNotifier.SignatureHeader] ?? "",
                    context.Request.Headers[AlertNotifier.TimestampHeader] ?? ""));
                context.Response.StatusCode = Statuses.TryDequeue(out var status) ? status : 200;
                context.Response.Close();
            }
        }

        private static int FreePort()
        {
            using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _loop;
        }
    }

    private const string Secret = "a-shared-secret-of-some-length";

    private static async Task<(CoreTestHost Host, string Plan, string Pool)> PlanAsync(ManualClock? clock = null)
    {
        var host = await CoreTestHost.StartAsync(services: clock is null ? null : s => s.AddSingleton<TimeProvider>(clock));
        await host.CreateTenantWithUserAsync("acme");
        var pool = await host.Get<Core.StoragePools.StoragePoolService>().BindPlatformAsync(new Core.StoragePools.PlatformPoolInput("main", null, null), Ct);
        var redis = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("cache", InstanceKind.Redis, Host: "cache.internal", Port: 6379));
        var plan = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("cache", redis, pool.Value!.Id, InstanceKind.Redis, "logical"));
        return (host, plan, pool.Value!.Id);
    }

    private static async Task SampleAsync(CoreTestHost host, string planId, DateTimeOffset at, double cpu)
    {
        await using var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!);
        db.PlanMetrics.Add(new PlanMetric { PlanId = planId, RunId = "dbsbak-x", AtMs = at.ToUnixTimeMilliseconds(), CpuPercent = cpu, MemoryBytes = 1 });
        await db.SaveChangesAsync(Ct);
    }

    [Fact]
    public async Task A_cpu_rule_fires_after_its_duration_renotifies_after_the_silence_and_resolves_with_signed_webhooks()
    {
        var clock = new ManualClock();
        var (host, plan, _) = await PlanAsync(clock);
        await using var _ = host;
        await using var hook = new WebhookListener();
        var alerts = host.Get<AlertService>();
        var channel = await alerts.CreateChannelAsync(new ChannelInput("ops hook", ChannelKind.Webhook, hook.Url, Secret), Ct);
        var rule = await alerts.SaveRuleAsync(plan, new AlertRuleInput(AlertMetric.CpuPercent, AlertComparison.GreaterThan, 50, 60, 5, [channel.Value!]), ct: Ct);
        Assert.True(rule.Succeeded, rule.ErrorText);
        var evaluator = host.Get<AlertEvaluator>();

        async Task<AlertEvaluator.Result> AtAsync(int seconds, double cpu)
        {
            clock.Now = clock.Now.AddSeconds(seconds);
            await SampleAsync(host, plan, clock.Now, cpu);
            return await evaluator.EvaluateAsync(Ct);
        }

        var first = await AtAsync(0, 80);
        var halfway = await AtAsync(30, 85);
        var fired = await AtAsync(31, 90);
        var silenced = await AtAsync(60, 95);
        var reminded = await AtAsync(5 * 60, 95);
        var resolved = await AtAsync(10, 12);
        var quiet = await AtAsync(10, 11);

        Assert.Equal(new AlertEvaluator.Result(0, 0, 0), first);
        Assert.Equal(new AlertEvaluator.Result(0, 0, 0), halfway);
        Assert.Equal(new AlertEvaluator.Result(1, 0, 0), fired);
        Assert.Equal(new AlertEvaluator.Result(0, 0, 0), silenced);
        Assert.Equal(new AlertEvaluator.Result(0, 0, 1), reminded);
        Assert.Equal(new AlertEvaluator.Result(0, 1, 0), resolved);
        Assert.Equal(new AlertEvaluator.Result(0, 0, 0), quiet);

        var received = hook.Received.ToList();
        Assert.Equal(["firing", "firing", "resolved"], received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("status").GetString()));
        Assert.All(received, r => Assert.Equal(AlertNotifier.Sign(Secret, r.Timestamp, r.Body), r.Signature));
        var firing = JsonDocument.Parse(received[0].Body).RootElement;
        Assert.Equal((plan, "cache", "CpuPercent", 90.0), (firing.GetProperty("planId").GetString(), firing.GetProperty("planName").GetString(),
            firing.GetProperty("metric").GetString(), firing.GetProperty("value").GetDouble()));

        var history = await alerts.ListAlertsAsync(null, ct: Ct);
        var record = history.Items.Single();
        Assert.Equal(AlertRecordStatus.Resolved, record.Status);
        Assert.Equal("ops hook: ok", record.Delivery);
        Assert.Empty((await alerts.ListAlertsAsync(AlertRecordStatus.Firing, ct: Ct)).Items);
        var events = await host.Get<PlanService>().ListEventsAsync(plan, Ct);
        Assert.Contains(events, e => e.Type == "AlertFiring");
        Assert.Contains(events, e => e.Type == "AlertResolved");
    }

    [Fact]
    public async Task A_webhook_that_fails_first_is_retried_and_one_that_keeps_failing_is_reported()
    {
        var (host, _, _) = await PlanAsync();
        await using var __ = host;
        await using var flaky = new WebhookListener(503);
        await using var broken = new WebhookListener(500, 500, 500);
        await using var refusing = new WebhookListener(400);
        var alerts = host.Get<AlertService>();
        var flakyChannel = (await alerts.CreateChannelAsync(new ChannelInput("flaky", ChannelKind.Webhook, flaky.Url, Secret), Ct)).Value!;
        var brokenChannel = (await alerts.CreateChannelAsync(new ChannelInput("broken", ChannelKind.Webhook, broken.Url, Secret), Ct)).Value!;
        var refusingChannel = (await alerts.CreateChannelAsync(new ChannelInput("refusing", ChannelKind.Webhook, refusing.Url, Secret), Ct)).Value!;

        var delivered = await alerts.TestChannelAsync(flakyChannel, Ct);
        var failed = await alerts.TestChannelAsync(brokenChannel, Ct);
        var refused = await alerts.TestChannelAsync(refusingChannel, Ct);

        Assert.True(delivered.Succeeded, delivered.ErrorText);
        Assert.Equal(2, flaky.Received.Count);
        Assert.False(failed.Succeeded);
        Assert.Contains("HTTP 500", failed.ErrorText);
        Assert.Contains("attempt 3 of 3", failed.ErrorText);
        Assert.Equal(3, broken.Received.Count);
        // A client error is not asked again.
        Assert.Contains("HTTP 400", refused.ErrorText);
        Assert.Contains("attempt 1 of 3", refused.ErrorText);
        Assert.Single(refusing.Received);
    }

    [Fact]
    public async Task A_backup_failed_rule_fires_on_a_failed_run_and_resolves_when_the_next_run_succeeds()
    {
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var source = Path.Combine(Path.GetTempPath(), "bc-alert-src-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(source);
        await File.WriteAllTextAsync(Path.Combine(source, "a.txt"), "a", Ct);
        var mysql = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("db", InstanceKind.MySql, Host: "127.0.0.1", Port: 1, UserName: "nobody", Secret: "x"));
        var plan = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("db", mysql, pool, InstanceKind.MySql, "logical"));
        var alerts = host.Get<AlertService>();
        var rule = await alerts.SaveRuleAsync(plan, new AlertRuleInput(AlertMetric.BackupFailed, AlertComparison.GreaterThan, 0, 0, 60, []), ct: Ct);
        var evaluator = host.Get<AlertEvaluator>();

        var before = await evaluator.EvaluateAsync(Ct);
        await PlanTestKit.RunAsync(host, plan);
        var afterFailure = await evaluator.EvaluateAsync(Ct);
        await using (var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!))
        {
            // The next run succeeded (recorded as the newest row).
            db.BackupData.Add(new BackupData
            {
                Id = "dbsbak-ok", PlanId = plan, PoolId = pool, BackupType = "logical", Status = BackupDataStatus.Available, Trigger = "manual",
                StartedAt = DateTimeOffset.UtcNow.AddSeconds(5), FinishedAt = DateTimeOffset.UtcNow.AddSeconds(6), SourceKind = "mysql",
            });
            await db.SaveChangesAsync(Ct);
        }
        var afterSuccess = await evaluator.EvaluateAsync(Ct);

        Assert.True(rule.Succeeded, rule.ErrorText);
        Assert.Equal(new AlertEvaluator.Result(0, 0, 0), before);
        Assert.Equal(new AlertEvaluator.Result(1, 0, 0), afterFailure);
        Assert.Equal(new AlertEvaluator.Result(0, 1, 0), afterSuccess);
        var stored = (await alerts.ListRulesAsync(plan, Ct)).Single();
        Assert.Equal((AlertComparison.GreaterOrEqual, 1.0, AlertState.Ok), (stored.Comparison, stored.Threshold, stored.State));
    }

    [Fact]
    public async Task Rules_and_channels_refuse_bad_input_snapshot_plans_and_other_tenants()
    {
        var (host, plan, pool) = await PlanAsync();
        await using var _ = host;
        var alerts = host.Get<AlertService>();
        var files = await PlanTestKit.AddDirectoryAsync(host);
        var snapshotPlan = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("files", files, pool));
        var channel = (await alerts.CreateChannelAsync(new ChannelInput("hook", ChannelKind.Webhook, "https://hooks.example/alert", Secret), Ct)).Value!;
        var rule = (await alerts.SaveRuleAsync(plan, new AlertRuleInput(AlertMetric.NetOutBytesPerSecond, AlertComparison.LessThan, 1000, 120, 10, [channel]), ct: Ct)).Value!;

        var snapshot = await alerts.SaveRuleAsync(snapshotPlan, new AlertRuleInput(AlertMetric.CpuPercent, AlertComparison.GreaterThan, 50, 0, 5, []), ct: Ct);
        var badValues = await alerts.SaveRuleAsync(plan, new AlertRuleInput(AlertMetric.CpuPercent, AlertComparison.GreaterThan, 150, -1, 0, ["chan-nope"]), ct: Ct);
        var metadata = await alerts.CreateChannelAsync(new ChannelInput("meta", ChannelKind.Webhook, "http://169.254.169.254/latest", Secret), Ct);
        var shortSecret = await alerts.CreateChannelAsync(new ChannelInput("short", ChannelKind.Webhook, "https://hooks.example/x", "short"), Ct);
        var duplicate = await alerts.CreateChannelAsync(new ChannelInput("hook", ChannelKind.Webhook, "https://hooks.example/y", Secret), Ct);
        var noSmtp = await alerts.CreateChannelAsync(new ChannelInput("mail", ChannelKind.Email, Recipients: "ops@example.com"), Ct);
        var inUse = await alerts.DeleteChannelAsync(channel, Ct);

        Assert.Contains("快照类型", snapshot.ErrorText);
        Assert.Equal(["ChannelIds", "DurationSeconds", "SilenceMinutes", "Threshold"], badValues.Errors.Select(e => e.Field).Order());
        Assert.Equal("Url", metadata.Errors.Single().Field);
        Assert.Equal("Secret", shortSecret.Errors.Single().Field);
        Assert.Equal("Name", duplicate.Errors.Single().Field);
        Assert.Equal("Kind", noSmtp.Errors.Single().Field);
        Assert.Contains(rule, inUse.ErrorText);
        Assert.False((await alerts.ListChannelsAsync(Ct)).Single().Url is null);

        await using (var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!))
            Assert.DoesNotContain(Secret, (await db.NotificationChannels.SingleAsync(Ct)).ProtectedSecret);

        await host.CreateTenantWithUserAsync("globex");
        Assert.Empty(await alerts.ListRulesAsync(plan, Ct));
        Assert.Empty(await alerts.ListChannelsAsync(Ct));
        Assert.False((await alerts.DeleteRuleAsync(rule, Ct)).Succeeded);
        Assert.False((await alerts.SaveRuleAsync(plan, new AlertRuleInput(AlertMetric.CpuPercent, AlertComparison.GreaterThan, 50, 0, 5, []), ct: Ct)).Succeeded);
    }
}
