using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Core.StoragePools;
using BackupConsole.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace BackupConsole.Tests.Hosting;

/// <summary>X-6: with Telemetry:OtlpEndpoint set, a backup run's span and the run counters reach an OTLP/HTTP collector; without it nothing is sent.</summary>
public sealed class TelemetryExportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_backup_run_is_exported_as_a_span_and_counted_in_the_metrics()
    {
        using var collector = new OtlpCollector();
        await using var host = ApiHost.Start(new Dictionary<string, string>
        {
            ["Telemetry:OtlpEndpoint"] = collector.Url,
            ["Telemetry:Protocol"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        var acme = await host.CreateTenantAsync("acme");
        var source = Directory.CreateTempSubdirectory("bc-otel-src-").FullName;
        await File.WriteAllTextAsync(Path.Combine(source, "a.txt"), "telemetry", Ct);
        await host.BackUpDirectoryAsync(acme, source, "otel");
        using var health = await host.Client().GetAsync("/healthz", Ct);

        // OTLP protobuf carries names as UTF-8: the span's name and the counter's name appear in the posted bodies.
        await collector.WaitForAsync("/v1/traces", "backup run", Ct);
        await collector.WaitForAsync("/v1/metrics", "backupconsole.backup.runs", Ct);
        Directory.Delete(source, recursive: true);
    }

    [Fact]
    public async Task Without_an_endpoint_nothing_is_exported()
    {
        await using var host = ApiHost.Start();
        Assert.Null(host.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
        Assert.Null(host.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
    }

    /// <summary>A loopback OTLP/HTTP receiver that keeps every posted body by path.</summary>
    private sealed class OtlpCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();

        public OtlpCollector()
        {
            Url = $"http://127.0.0.1:{Support.FreePorts.Next()}";
            _listener.Prefixes.Add(Url + "/");
            _listener.Start();
            _ = ServeAsync();
        }

        public string Url { get; }

        public async Task WaitForAsync(string path, string text, CancellationToken ct)
        {
            var needle = Encoding.UTF8.GetBytes(text);
            for (var waited = 0; waited < 300; waited++)
            {
                if (_received.Any(r => r.Path == path && r.Body.AsSpan().IndexOf(needle) >= 0))
                    return;
                await Task.Delay(100, ct);
            }
            Assert.Fail($"No OTLP post to {path} held '{text}' within 30 s; received: {string.Join(", ", _received.Select(r => r.Path))}");
        }

        private async Task ServeAsync()
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
                    return; // Disposed at the end of the test.
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                _received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
