using System.Diagnostics;

namespace Serverless.Engine.Telemetry;

/// <summary>
/// The engine's one <see cref="ActivitySource"/> and one <see cref="System.Diagnostics.Metrics.Meter"/>, both named
/// <see cref="Name"/> (their instruments are <see cref="WorkflowInstruments"/>): every span and workflow metric of both
/// hosts (and of the CLI's client calls) comes from here. docs/observability.md lists them.
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

    private static readonly WorkflowInstruments Host = new(Name, typeof(WorkflowTelemetry).Assembly.GetName().Version?.ToString());
    private static readonly AsyncLocal<WorkflowInstruments?> RedirectedFlow = new();

    /// <summary>The activity source every workflow span of the hosts is started from.</summary>
    public static ActivitySource Source => Host.Source;

    /// <summary>
    /// The instruments spans and metrics of the calling async flow go to: the hosts' own (<see cref="Name"/>), or those
    /// of the enclosing <see cref="RecordInto"/>.
    /// </summary>
    internal static WorkflowInstruments Current => RedirectedFlow.Value ?? Host;

    /// <summary>
    /// Records the spans and metrics of the calling async flow (and of the work it starts) into
    /// <paramref name="instruments"/> instead of the hosts' own until the scope is disposed: the standalone host's
    /// start-up priming runs a throwaway instance through the real paths, telemetry included, and it is nobody's run.
    /// </summary>
    internal static IDisposable RecordInto(WorkflowInstruments instruments)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        var scope = new RedirectScope(RedirectedFlow.Value);
        RedirectedFlow.Value = instruments;
        return scope;
    }

    private sealed class RedirectScope(WorkflowInstruments? previous) : IDisposable
    {
        public void Dispose() => RedirectedFlow.Value = previous;
    }
}
