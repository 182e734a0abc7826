using System.Diagnostics;
using Serverless.Engine.Definitions;
using Serverless.Engine.Telemetry;

namespace Serverless.Engine.Execution;

/// <summary>
/// The <see cref="INodeExecutor"/> hosts resolve: routes work to the executor of its node type, inside the attempt's
/// span (a client span for http nodes), and records the node duration and dispatch lag.
/// </summary>
internal sealed class NodeExecutor(HttpNodeExecutor http, ActivityNodeExecutor activities, TimeProvider time) : INodeExecutor
{
    public async Task<NodeOutcome> ExecuteAsync(NodeWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (work.Node is not (HttpNode or ActivityNode))
        {
            // The decider only sends RunNode for http and activity nodes: anything else is a host bug.
            throw new ArgumentException(
                $"Node '{work.Node.Id}' is a {work.Node.GetType().Name}; only http and activity nodes are executed.", nameof(work));
        }

        var type = NodeTypeNames.Of(work.Node);

        var telemetry = WorkflowTelemetry.Current;
        var now = time.GetUtcNow();
        if (work.ScheduledAt is { } scheduled)
        {
            telemetry.DispatchLag.Record(Math.Max(0, (now - scheduled).TotalSeconds), new KeyValuePair<string, object?>(TraceAttributes.DispatchKind, "node"));
        }

        // Work never runs under whatever activity the host happened to be in: its span (or none) is its context.
        using var span = StartSpan(telemetry.Source, work, type);
        Activity.Current = span;
        var started = time.GetTimestamp();
        NodeOutcome outcome;
        try
        {
            outcome = work.Node is HttpNode
                ? await http.ExecuteAsync(work, cancellationToken).ConfigureAwait(false)
                : await activities.ExecuteAsync(work, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (span is not null)
        {
            span.SetTag(TraceAttributes.ErrorType, ex.GetType().FullName);
            span.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }

        var result = outcome is NodeOutcome.Succeeded ? "succeeded" : "failed";
        var error = (outcome as NodeOutcome.Failed)?.Error;
        telemetry.NodeDuration.Record(
            time.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>(TraceAttributes.NodeType, type),
            new KeyValuePair<string, object?>(TraceAttributes.Result, result));

        if (span is not null)
        {
            span.SetTag(TraceAttributes.Result, result);
            if (work.Trace?.RecordPayloads == true)
            {
                span.SetTag(TraceAttributes.Input, Spans.Payload(work.Command.Input));
                span.SetTag(TraceAttributes.Output, Spans.Payload((outcome as NodeOutcome.Succeeded)?.Output));
            }

            if (error is not null)
            {
                // An http node's span already has the HTTP error type (a status code or the exception's).
                if (span.GetTagItem(TraceAttributes.ErrorType) is null)
                {
                    span.SetTag(TraceAttributes.ErrorType, error.Type);
                }

                span.SetTag("workflow.error.type", error.Type);
                span.SetStatus(ActivityStatusCode.Error, error.Message);
            }
        }

        return outcome;
    }

    private static Activity? StartSpan(ActivitySource source, NodeWork work, string type)
    {
        if (!source.HasListeners())
        {
            return null;
        }

        var command = work.Command;
        var tags = Spans.InstanceTags(work.Workflow ?? "", work.Version, work.InstanceId);
        Spans.AddNode(ref tags, command.Path, work.Node);
        tags.Add(TraceAttributes.Attempt, ActivityNodeExecutor.AttemptOf(command.Key));
        System.Diagnostics.ActivityContext parent;
        try
        {
            parent = work.Trace?.RunContext(work.InstanceId, work.Epoch) ?? default;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            // A trace it cannot read costs the attempt its parent, never its run.
            parent = default;
        }

        return work.Node is HttpNode
            ? source.StartActivity(HttpNodeExecutor.SpanName(work), ActivityKind.Client, parent, tags)
            : source.StartActivity($"{type} {work.Node.Id}", ActivityKind.Internal, parent, tags);
    }
}
