using System.Diagnostics.Metrics;

namespace Serverless.Standalone.Telemetry;

/// <summary>
/// The host runtime's own OpenTelemetry metrics (meter <c>Serverless.Host</c>) plus plain counters for <c>/healthz</c>.
/// The workflow metrics (runs, nodes, waits, dispatch lag) are the engine's, meter
/// <see cref="Serverless.Engine.Telemetry.WorkflowTelemetry.Name"/>.
/// </summary>
internal sealed class HostMetrics : IDisposable
{
    public const string MeterName = "Serverless.Host";

    private readonly Meter _meter;
    private readonly Counter<long> _events;
    private long _eventsApplied;
    private long _nodesExecuted;
    private long _saves;
    private long _poison;

    public HostMetrics(IMeterFactory meterFactory)
        : this(meterFactory.Create(MeterName))
    {
    }

    /// <summary>Metrics on <paramref name="meter"/> (start-up priming: a meter of its own that nothing exports).</summary>
    internal HostMetrics(Meter meter)
    {
        _meter = meter;
        _events = _meter.CreateCounter<long>("serverless.host.events.applied", "{event}", "Events that changed an instance's state.");
        _meter.CreateObservableGauge("serverless.host.queue.depth", () => QueueDepth, "{message}", "Approximate messages in this host's control queues (refreshed every few seconds).");
    }

    /// <summary>Approximate control queue depth, refreshed by the partition manager.</summary>
    public long QueueDepth { get; set; }

    public long EventsApplied => Interlocked.Read(ref _eventsApplied);

    public long NodesExecuted => Interlocked.Read(ref _nodesExecuted);

    public long Saves => Interlocked.Read(ref _saves);

    public long PoisonMessages => Interlocked.Read(ref _poison);

    public void EventApplied(int count)
    {
        Interlocked.Add(ref _eventsApplied, count);
        _events.Add(count);
    }

    public void Saved() => Interlocked.Increment(ref _saves);

    public void Poison() => Interlocked.Increment(ref _poison);

    public void NodeExecuted() => Interlocked.Increment(ref _nodesExecuted);

    public void Dispose() => _meter.Dispose();
}
