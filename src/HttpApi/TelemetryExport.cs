using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Serverless.Engine.Telemetry;

namespace Serverless.HttpApi;

/// <summary>
/// The workflow spans and metrics (<see cref="WorkflowTelemetry.Name"/>) in a host's OpenTelemetry, and the exporters
/// the standard environment variables ask for: OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (traces, metrics
/// and logs, with the other <c>OTEL_EXPORTER_OTLP_*</c> settings), spans on the console when <c>OTEL_TRACES_EXPORTER</c>
/// lists <c>console</c>. Both hosts call it; each adds its own exporters (Prometheus, Azure Monitor) on top.
/// </summary>
internal static class TelemetryExport
{
    /// <summary>Adds the workflow source and meter to <paramref name="builder"/> and the exporters configured.</summary>
    public static OpenTelemetryBuilder AddWorkflowTelemetry(this OpenTelemetryBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder
            .WithTracing(tracing => tracing.AddSource(WorkflowTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(WorkflowTelemetry.Name));
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.UseOtlpExporter();
        }

        var exporters = (configuration["OTEL_TRACES_EXPORTER"] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (exporters.Contains("console", StringComparer.OrdinalIgnoreCase))
        {
            builder.WithTracing(tracing => tracing.AddConsoleExporter());
        }

        return builder;
    }
}
