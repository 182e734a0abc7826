using System.Diagnostics;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;
using Serverless.Engine.Telemetry;

namespace Serverless.Engine.Execution;

/// <summary>One attempt of node work, as a host hands it to an executor.</summary>
/// <param name="InstanceId">The instance the work belongs to.</param>
/// <param name="Node">The node's definition (look it up in the plan by <see cref="RunNode.NodeId"/>).</param>
/// <param name="Command">The decider's command: key, path, evaluated input, timeout.</param>
internal sealed record NodeWork(string InstanceId, NodeDefinition Node, RunNode Command)
{
    /// <summary>The workflow name (span attributes).</summary>
    public string? Workflow { get; init; }

    /// <summary>The pinned version (span attributes).</summary>
    public int Version { get; init; }

    /// <summary>The instance's trace: the attempt's span is a child of its run span. Null: the span is a root.</summary>
    public InstanceTrace? Trace { get; init; }

    /// <summary>The rerun epoch the attempt belongs to (which run span is its parent).</summary>
    public int Epoch { get; init; }

    /// <summary>When the decider asked for the attempt (dispatch lag); null when unknown.</summary>
    public DateTimeOffset? ScheduledAt { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> and <c>tracestate</c> the attempt passes on: its own span's, or the instance's run
    /// span's when the attempt is not recorded; null without a trace.
    /// </summary>
    public (string? TraceParent, string? TraceState) Propagation()
    {
        if (Activity.Current is { } span && span.Source == WorkflowTelemetry.Current.Source)
        {
            return (span.Id, span.TraceStateString);
        }

        return Trace is { } trace ? (Spans.TraceParent(trace.RunContext(InstanceId, Epoch)), trace.TraceState) : (null, null);
    }
}
