using BackupConsole.Core.Monitoring;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BackupConsole.Hosting;

/// <summary>OpenTelemetry export, bound from the "Telemetry" section; nothing is collected while the endpoint is empty.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>The collector's OTLP endpoint, e.g. http://otel-collector:4317 (grpc) or http://otel-collector:4318 (http/protobuf).</summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>"grpc" or "http/protobuf".</summary>
    public string Protocol { get; set; } = "grpc";

    public string ServiceName { get; set; } = "BackupConsole";
}

internal static class ConsoleTelemetrySetup
{
    public static IServiceCollection AddConsoleTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (string.IsNullOrWhiteSpace(options.OtlpEndpoint))
            return services;
        var protocol = options.Protocol.Equals("http/protobuf", StringComparison.OrdinalIgnoreCase)
            ? OtlpExportProtocol.HttpProtobuf
            : options.Protocol.Equals("grpc", StringComparison.OrdinalIgnoreCase)
                ? OtlpExportProtocol.Grpc
                : throw new InvalidOperationException($"Telemetry:Protocol must be grpc or http/protobuf, not '{options.Protocol}'.");
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithTracing(tracing => tracing.AddSource(ConsoleTelemetry.Name).AddAspNetCoreInstrumentation())
            .WithMetrics(metrics => metrics.AddMeter(ConsoleTelemetry.Name).AddAspNetCoreInstrumentation())
            .UseOtlpExporter(protocol, new Uri(options.OtlpEndpoint));
        return services;
    }
}
