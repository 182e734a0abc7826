using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Serverless.Engine.Telemetry;

/// <summary>
/// The engine's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <see cref="Name"/>: every span and
/// workflow metric of both hosts (and of the CLI's client calls) comes from here. docs/observability.md lists them.
/// </summary>
/// <remarks>
/// There is no OpenTelemetry semantic convention for workflows yet (semantic-conventions issue 1688): span names are
/// low-cardinality (<c>run {workflow}</c>, <c>GET {node}</c>), attributes are under <c>workflow.</c>, durations in seconds.
/// Instance ids are span attributes, never metric dimensions.
/// </remarks>
public static class WorkflowTelemetry
{
    /// <summary>The name of the activity source and of the meter: add it to a tracer and a meter provider.</summary>
    public const string Name = "Serverless.Workflows";

    private static readonly string? Version = typeof(WorkflowTelemetry).Assembly.GetName().Version?.ToString();
    private static readonly AsyncLocal<bool> SilencedFlow = new();

    /// <summary>The activity source every workflow span is started from.</summary>
    public static ActivitySource Source { get; } = new(Name, Version);

    /// <summary>The meter of the workflow metrics.</summary>
    internal static Meter Meter { get; } = new(Name, Version);

    /// <summary>True on an async flow inside <see cref="Silence"/>: nothing of it becomes a span or a metric.</summary>
    internal static bool Silenced => SilencedFlow.Value;

    /// <summary><c>workflow.run.duration</c>: from a run's start to its final status, by workflow and result.</summary>
    internal static Histogram<double> RunDuration { get; } = Meter.CreateHistogram<double>(
        "workflow.run.duration", "s", "Duration of workflow runs, from start to a final status.", advice: DurationAdvice(3600));

    /// <summary><c>workflow.run.active</c>: runs started and not yet final, by workflow (summed over hosts).</summary>
    internal static UpDownCounter<long> RunActive { get; } = Meter.CreateUpDownCounter<long>(
        "workflow.run.active", "{run}", "Workflow runs started and not yet final (sum over every host).");

    /// <summary><c>workflow.node.duration</c>: one attempt of http or activity work, by node type and result.</summary>
    internal static Histogram<double> NodeDuration { get; } = Meter.CreateHistogram<double>(
        "workflow.node.duration", "s", "Duration of one attempt of node work (http, activity).", advice: DurationAdvice(300));

    /// <summary><c>workflow.node.retries</c>: failed attempts a retry followed, by workflow, node type and error type.</summary>
    internal static Counter<long> NodeRetries { get; } = Meter.CreateCounter<long>(
        "workflow.node.retries", "{retry}", "Failed node attempts that a retry followed.");

    /// <summary><c>workflow.event.wait.duration</c>: how long event nodes waited, by workflow and result.</summary>
    internal static Histogram<double> EventWaitDuration { get; } = Meter.CreateHistogram<double>(
        "workflow.event.wait.duration", "s", "How long event nodes waited for their event (or their timeout).", advice: DurationAdvice(86400));

    /// <summary><c>workflow.dispatch.lag</c>: from when work was due (a node attempt decided, a timer due) to when it ran.</summary>
    internal static Histogram<double> DispatchLag { get; } = Meter.CreateHistogram<double>(
        "workflow.dispatch.lag", "s", "Delay between work becoming due (a node attempt decided, a timer's due time) and it running.", advice: DurationAdvice(60));

    private static InstrumentAdvice<double> DurationAdvice(double max)
    {
        double[] buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400];
        return new InstrumentAdvice<double> { HistogramBucketBoundaries = [.. buckets.Where(b => b <= max)] };
    }

    /// <summary>
    /// Records no span and no metric on the calling async flow (and the work it starts) until the scope is disposed: the
    /// standalone host's start-up priming runs a throwaway instance through the real paths, and it is nobody's run.
    /// </summary>
    internal static IDisposable Silence()
    {
        SilencedFlow.Value = true;
        return new SilenceScope();
    }

    private sealed class SilenceScope : IDisposable
    {
        public void Dispose() => SilencedFlow.Value = false;
    }
}
