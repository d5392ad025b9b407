using System.Collections.Concurrent;
using System.Diagnostics;
using BackupConsole.Core.Data;
using BackupConsole.Core.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupConsole.Core.Monitoring;

/// <summary>
/// Samples every running backup and restore every <see cref="MonitoringOptions.SampleSeconds"/> (R-MON-1): the
/// console process's CPU share and working set while the run is active (the executors share this process, so that
/// is what CPU and memory measure — never a made-up per-plan split), and each run's own bytes per second in and out
/// from its meter. The last sample is taken when the run ends, so a short run still leaves one.
/// </summary>
public sealed class MetricsSampler(TenantScopes scopes, IOptions<MonitoringOptions> options, TimeProvider clock, ILogger<MetricsSampler> logger) : IAsyncDisposable
{
    private sealed class Tracked(string tenantId, string planId, string runId, Func<(long In, long Out)> counters, long startMs)
    {
        public string TenantId => tenantId;
        public string PlanId => planId;
        public string RunId => runId;
        public Func<(long In, long Out)> Counters => counters;
        public long LastMs { get; set; } = startMs;
        public (long In, long Out) Last { get; set; }
    }

    private readonly ConcurrentDictionary<string, Tracked> _runs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _sampling = new();
    private Task? _loop;
    private TimeSpan _lastCpu = Process.GetCurrentProcess().TotalProcessorTime;
    private long _lastCpuMs;

    /// <summary>Samples the run until the returned handle is disposed; <paramref name="counters"/> gives its bytes in and out so far.</summary>
    public IAsyncDisposable Track(string tenantId, string planId, string runId, Func<(long In, long Out)> counters)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        _runs[runId] = new Tracked(tenantId, planId, runId, counters, now);
        lock (_sampling)
        {
            if (_runs.Count == 1)
                (_lastCpu, _lastCpuMs) = (Process.GetCurrentProcess().TotalProcessorTime, now);
            _loop ??= LoopAsync(_stopping.Token);
        }
        return new Handle(this, runId);
    }

    private sealed class Handle(MetricsSampler sampler, string runId) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (sampler._runs.TryGetValue(runId, out var run))
            {
                await sampler.SampleAsync([run], CancellationToken.None);
                sampler._runs.TryRemove(runId, out _);
            }
        }
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        var period = TimeSpan.FromSeconds(options.Value.SampleSeconds);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(period, clock, ct);
                if (!_runs.IsEmpty)
                    await SampleAsync(_runs.Values.ToList(), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The console is stopping.
        }
    }

    private async Task SampleAsync(IReadOnlyList<Tracked> runs, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        double cpu;
        long memory;
        using (var process = Process.GetCurrentProcess())
        {
            lock (_sampling)
            {
                var used = process.TotalProcessorTime;
                var wallMs = Math.Max(1, now - _lastCpuMs);
                cpu = Math.Clamp((used - _lastCpu).TotalMilliseconds / (wallMs * Environment.ProcessorCount) * 100, 0, 100);
                // A sample right after another (a run ending) keeps the share measured over the last full period.
                if (wallMs >= 500)
                    (_lastCpu, _lastCpuMs) = (used, now);
            }
            memory = process.WorkingSet64;
        }
        var rows = new List<PlanMetric>();
        foreach (var run in runs)
        {
            var counters = run.Counters();
            var seconds = Math.Max(0.001, (now - run.LastMs) / 1000.0);
            rows.Add(new PlanMetric
            {
                TenantId = run.TenantId, PlanId = run.PlanId, RunId = run.RunId, AtMs = now, CpuPercent = Math.Round(cpu, 2), MemoryBytes = memory,
                NetInBytesPerSecond = Math.Round((counters.In - run.Last.In) / seconds, 1), NetOutBytesPerSecond = Math.Round((counters.Out - run.Last.Out) / seconds, 1),
                TotalInBytes = counters.In, TotalOutBytes = counters.Out,
            });
            run.Last = counters;
            run.LastMs = now;
        }
        try
        {
            await using var scope = scopes.ForSystem();
            await using var db = scope.ServiceProvider.GetRequiredService<TenantDbFactory>().ForSystem();
            db.PlanMetrics.AddRange(rows);
            await db.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Samples are observations: losing one must never fail the run it describes.
            logger.LogWarning(ex, "Monitoring samples of {Count} run(s) could not be saved", rows.Count);
        }
    }

    private int _disposed;

    /// <summary>Stops sampling; the host's shutdown and the container both call it, so a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await _stopping.CancelAsync();
        if (_loop is not null)
            await _loop;
        _stopping.Dispose();
    }
}
