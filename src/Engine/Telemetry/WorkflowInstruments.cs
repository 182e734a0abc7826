using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Serverless.Engine.Telemetry;

/// <summary>
/// One activity source and one meter of the same name, with the workflow instruments on it: the hosts' own set
/// (<see cref="WorkflowTelemetry.Name"/>), or a private set of the same shape that a flow records into instead
/// (<see cref="WorkflowTelemetry.RecordInto"/>). docs/observability.md lists the instruments.
/// </summary>
internal sealed class WorkflowInstruments : IDisposable
{
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400];

    /// <summary>Creates the source, the meter and the instruments, all named <paramref name="name"/>.</summary>
    public WorkflowInstruments(string name, string? version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Source = new ActivitySource(name, version);
        Meter = new Meter(name, version);
        RunDuration = Meter.CreateHistogram<double>(
            "workflow.run.duration", "s", "Duration of workflow runs, from start to a final status.", advice: DurationAdvice(3600));
        RunActive = Meter.CreateUpDownCounter<long>(
            "workflow.run.active", "{run}", "Workflow runs started and not yet final (sum over every host).");
        NodeDuration = Meter.CreateHistogram<double>(
            "workflow.node.duration", "s", "Duration of one attempt of node work (http, activity).", advice: DurationAdvice(300));
        NodeRetries = Meter.CreateCounter<long>(
            "workflow.node.retries", "{retry}", "Failed node attempts that a retry followed.");
        EventWaitDuration = Meter.CreateHistogram<double>(
            "workflow.event.wait.duration", "s", "How long event nodes waited for their event (or their timeout).", advice: DurationAdvice(86400));
        DispatchLag = Meter.CreateHistogram<double>(
            "workflow.dispatch.lag", "s", "Delay between work becoming due (a node attempt decided, a timer's due time) and it running.", advice: DurationAdvice(60));
    }

    /// <summary>The name of the source and of the meter.</summary>
    public string Name => Source.Name;

    /// <summary>The activity source of the workflow spans.</summary>
    public ActivitySource Source { get; }

    /// <summary>The meter of the workflow metrics.</summary>
    public Meter Meter { get; }

    /// <summary><c>workflow.run.duration</c>: from a run's start to its final status, by workflow and result.</summary>
    public Histogram<double> RunDuration { get; }

    /// <summary><c>workflow.run.active</c>: runs started and not yet final, by workflow (summed over hosts).</summary>
    public UpDownCounter<long> RunActive { get; }

    /// <summary><c>workflow.node.duration</c>: one attempt of http or activity work, by node type and result.</summary>
    public Histogram<double> NodeDuration { get; }

    /// <summary><c>workflow.node.retries</c>: failed attempts a retry followed, by workflow, node type and error type.</summary>
    public Counter<long> NodeRetries { get; }

    /// <summary><c>workflow.event.wait.duration</c>: how long event nodes waited, by workflow and result.</summary>
    public Histogram<double> EventWaitDuration { get; }

    /// <summary><c>workflow.dispatch.lag</c>: from when work was due (a node attempt decided, a timer due) to when it ran.</summary>
    public Histogram<double> DispatchLag { get; }

    public void Dispose()
    {
        Source.Dispose();
        Meter.Dispose();
    }

    private static InstrumentAdvice<double> DurationAdvice(double max)
        => new() { HistogramBucketBoundaries = [.. DurationBuckets.Where(b => b <= max)] };
}
