using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Serverless.Engine.Telemetry;

namespace Serverless.Standalone.Telemetry;

/// <summary>
/// Where the start-up priming's spans and metrics go: workflow instruments and a host meter of their own (named
/// <see cref="Name"/>, which no exporter listens to), and an OpenTelemetry tracer and meter provider of their own that
/// take them through the same SDK code as the host's (sampling, span start and end, histogram and counter aggregation
/// with the same bucket boundaries, a cumulative reader like Prometheus'), then keep only names. Nothing is exported.
/// </summary>
internal sealed class PrimingTelemetry : IDisposable
{
    /// <summary>The name of the priming's activity source and meters.</summary>
    public const string Name = WorkflowTelemetry.Name + ".StartupPriming";

    private readonly TracerProvider _tracing;
    private readonly MeterProvider _metering;
    private readonly SpanNames _spans = new();
    private readonly MetricNames _metrics = new();

    public PrimingTelemetry()
    {
        Workflow = new WorkflowInstruments(Name, null);
        Host = new HostMetrics(new System.Diagnostics.Metrics.Meter(Name));
        _tracing = Sdk.CreateTracerProviderBuilder().AddSource(Name).AddProcessor(_spans).Build();
        _metering = Sdk.CreateMeterProviderBuilder().AddMeter(Name).AddReader(new BaseExportingMetricReader(_metrics)).Build();
    }

    /// <summary>The workflow instruments the priming records into (<see cref="WorkflowTelemetry.RecordInto"/>).</summary>
    public WorkflowInstruments Workflow { get; }

    /// <summary>The priming runtime's host metrics.</summary>
    public HostMetrics Host { get; }

    /// <summary>Collects the metrics and returns what was recorded: the names of the spans ended and of the metrics with data.</summary>
    public (IReadOnlySet<string> Spans, IReadOnlySet<string> Metrics) Collect()
    {
        _metering.ForceFlush();
        return (_spans.Names, _metrics.Names);
    }

    public void Dispose()
    {
        _tracing.Dispose();
        _metering.Dispose();
        Host.Dispose();
        Workflow.Dispose();
    }

    private sealed class SpanNames : BaseProcessor<Activity>
    {
        private readonly NameSet _names = new();

        public IReadOnlySet<string> Names => _names.Snapshot();

        public override void OnEnd(Activity data) => _names.Add(data.DisplayName);
    }

    private sealed class MetricNames : BaseExporter<Metric>
    {
        private readonly NameSet _names = new();

        public IReadOnlySet<string> Names => _names.Snapshot();

        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    _names.Add(metric.Name);
                    break;
                }
            }

            return ExportResult.Success;
        }
    }

    // Names added from the SDK's threads, read as a copy.
    private sealed class NameSet
    {
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);

        public void Add(string name)
        {
            lock (_names)
            {
                _names.Add(name);
            }
        }

        public IReadOnlySet<string> Snapshot()
        {
            lock (_names)
            {
                return _names.ToHashSet(StringComparer.Ordinal);
            }
        }
    }
}
