using System.Diagnostics.Metrics;

namespace Serverless.Standalone.Telemetry;

/// <summary>
/// The host's OpenTelemetry metrics (meter <c>Serverless.Host</c>) plus plain counters for <c>/healthz</c>.
/// </summary>
internal sealed class HostMetrics : IDisposable
{
    public const string MeterName = "Serverless.Host";

    private readonly Meter _meter;
    private readonly Counter<long> _started;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _nodeLatency;
    private readonly Counter<long> _events;
    private long _eventsApplied;
    private long _nodesExecuted;
    private long _saves;
    private long _poison;

    public HostMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _started = _meter.CreateCounter<long>("serverless.instances.started", description: "Instances started.");
        _completed = _meter.CreateCounter<long>("serverless.instances.completed", description: "Instances completed.");
        _failed = _meter.CreateCounter<long>("serverless.instances.failed", description: "Instances failed or terminated.");
        _events = _meter.CreateCounter<long>("serverless.events.applied", description: "Events that changed an instance's state.");
        _nodeLatency = _meter.CreateHistogram<double>("serverless.node.duration", unit: "ms", description: "Node work (one attempt) latency.");
        _meter.CreateObservableGauge("serverless.queue.depth", () => QueueDepth, description: "Approximate messages in this host's control queues (refreshed every few seconds).");
    }

    /// <summary>Approximate control queue depth, refreshed by the partition manager.</summary>
    public long QueueDepth { get; set; }

    public long EventsApplied => Interlocked.Read(ref _eventsApplied);

    public long NodesExecuted => Interlocked.Read(ref _nodesExecuted);

    public long Saves => Interlocked.Read(ref _saves);

    public long PoisonMessages => Interlocked.Read(ref _poison);

    public void InstanceStarted() => _started.Add(1);

    public void InstanceCompleted() => _completed.Add(1);

    public void InstanceFailed() => _failed.Add(1);

    public void EventApplied(int count)
    {
        Interlocked.Add(ref _eventsApplied, count);
        _events.Add(count);
    }

    public void Saved() => Interlocked.Increment(ref _saves);

    public void Poison() => Interlocked.Increment(ref _poison);

    public void NodeExecuted(TimeSpan latency)
    {
        Interlocked.Increment(ref _nodesExecuted);
        _nodeLatency.Record(latency.TotalMilliseconds);
    }

    public void Dispose() => _meter.Dispose();
}
