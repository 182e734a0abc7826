using System.Diagnostics;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Telemetry;

/// <summary>
/// The spans and metrics of an instance's own progress, read off each applied event: the run span when the run ends,
/// timer and event-wait spans when they end, a span per raised event, run, retry and wait metrics.
/// </summary>
/// <remarks>
/// WARNING: hosts call <see cref="Observe"/> once per event that is durably applied: the standalone host after the save,
/// a durable orchestration only when it is not replaying. Called twice for one event, it emits its spans twice.
/// </remarks>
internal static class DecisionTelemetry
{
    /// <summary>Records what applying <paramref name="event"/> to <paramref name="before"/> (giving <paramref name="after"/>) did.</summary>
    /// <param name="plan">The instance's plan.</param>
    /// <param name="before">The state before the event.</param>
    /// <param name="event">The event; null for a change the host made itself (a host failure that failed the instance).</param>
    /// <param name="after">The state after it.</param>
    /// <param name="now">When it was applied.</param>
    /// <param name="cause">The context of the request that raised the event, when the host knows it: the event span links to it.</param>
    public static void Observe(WorkflowPlan plan, InstanceState before, WorkflowEvent? @event, InstanceState after, DateTimeOffset now, ActivityContext cause = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (ReferenceEquals(before, after))
        {
            return;
        }

        try
        {
            Record(plan, before, @event, after, now, cause);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or OverflowException)
        {
            // Telemetry never fails a run: a state it cannot read (a stored trace id that is not hex) costs its spans only.
        }
    }

    private static void Record(WorkflowPlan plan, InstanceState before, WorkflowEvent? @event, InstanceState after, DateTimeOffset now, ActivityContext cause)
    {
        var workflow = new KeyValuePair<string, object?>(TraceAttributes.Workflow, after.Workflow);
        var runStarted = (before.StartedAt is null && after.StartedAt is not null) || after.Epoch != before.Epoch;
        if (runStarted)
        {
            WorkflowTelemetry.Current.RunActive.Add(1, workflow);
        }

        switch (@event)
        {
            case TimerFired fired when before.Timers.TryGetValue(fired.TimerId, out var timer):
                WorkflowTelemetry.Current.DispatchLag.Record(Seconds(now - timer.DueAt), new KeyValuePair<string, object?>(TraceAttributes.DispatchKind, "timer"));
                TimerEnded(plan, before, after, timer, now);
                break;
            case EventRaised raised when !before.SeenEvents.Contains(raised.Id):
                EventApplied(plan, before, after, raised, now, cause);
                break;
            case NodeFailed failed:
                Retried(plan, before, after, failed.Key, failed.Error);
                break;
            case ChildFailed failed:
                Retried(plan, before, after, failed.ChildInstanceId, failed.Error);
                break;
            default:
                break;
        }

        if (before.EventQueues.Count > 0 && @event is not EventRaised)
        {
            // A node that started and took an event already queued waited for no time at all, but did wait.
            QueuedEventsTaken(plan, before, after, now);
        }

        if (!before.Status.IsFinal && after.Status.IsFinal)
        {
            RunEnded(before, after, now);
        }
    }

    /// <summary>
    /// Records the end of a run: <c>workflow.run.active</c> down and <c>workflow.run.duration</c> when it had started,
    /// and the run span (its id derived from <paramref name="trace"/>) when the instance has a trace. Applied events
    /// end runs through <see cref="Observe"/>; a durable host calls this itself for a run it terminates from outside,
    /// which the orchestration never sees.
    /// </summary>
    /// <param name="workflow">The workflow name.</param>
    /// <param name="version">The workflow version.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="epoch">The rerun epoch of the run that ended.</param>
    /// <param name="trace">The instance's trace; null emits no span.</param>
    /// <param name="createdAt">When the instance was created: the span's start when the run never started.</param>
    /// <param name="startedAt">When the run started (its rerun, for a rerun); null when it never started (no metrics then).</param>
    /// <param name="endedAt">When it ended.</param>
    /// <param name="status">The final status.</param>
    /// <param name="error">The error of a failed run.</param>
    /// <param name="input">The run's input, for <see cref="InstanceTrace.RecordPayloads"/>.</param>
    /// <param name="output">The run's output, for <see cref="InstanceTrace.RecordPayloads"/>.</param>
    internal static void RunEnded(
        string workflow,
        int version,
        string instanceId,
        int epoch,
        InstanceTrace? trace,
        DateTimeOffset createdAt,
        DateTimeOffset? startedAt,
        DateTimeOffset endedAt,
        InstanceStatus status,
        WorkflowError? error,
        System.Text.Json.JsonElement? input = null,
        System.Text.Json.JsonElement? output = null)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(instanceId);
        var result = Result(status);
        if (startedAt is { } s)
        {
            var workflowTag = new KeyValuePair<string, object?>(TraceAttributes.Workflow, workflow);
            WorkflowTelemetry.Current.RunActive.Add(-1, workflowTag);
            WorkflowTelemetry.Current.RunDuration.Record(Seconds(endedAt - s), workflowTag, new KeyValuePair<string, object?>(TraceAttributes.Result, result));
        }

        if (trace is null)
        {
            return;
        }

        var tags = Spans.InstanceTags(workflow, version, instanceId);
        tags.Add(TraceAttributes.Epoch, epoch);
        tags.Add(TraceAttributes.Result, result);
        var failure = status == InstanceStatus.Failed ? error : null;
        if (failure is not null)
        {
            tags.Add(TraceAttributes.ErrorType, failure.Type);
        }

        if (trace.RecordPayloads)
        {
            Spans.AddPayload(ref tags, TraceAttributes.Input, input);
            Spans.AddPayload(ref tags, TraceAttributes.Output, output);
        }

        Spans.Emit(
            $"run {workflow}",
            ActivityKind.Consumer,
            trace.ParentContext,
            startedAt ?? createdAt,
            endedAt,
            tags,
            trace.RunSpanId(instanceId, epoch),
            failure);
    }

    private static void RunEnded(InstanceState before, InstanceState after, DateTimeOffset now)
        => RunEnded(
            after.Workflow,
            after.Version,
            after.InstanceId,
            after.Epoch,
            after.Trace,
            before.CreatedAt,
            after.RerunAt ?? after.StartedAt,
            after.CompletedAt ?? now,
            after.Status,
            after.Error,
            after.Input,
            after.Output);

    private static void TimerEnded(WorkflowPlan plan, InstanceState before, InstanceState after, TimerState timer, DateTimeOffset now)
    {
        if (timer.Purpose == TimerPurpose.EventTimeout)
        {
            EventWaitEnded(plan, before, after, timer.Path, now);
            return;
        }

        if (timer.Purpose is not (TimerPurpose.Wait or TimerPurpose.Retry)
            || after.Trace is not { } trace
            || !before.Nodes.TryGetValue(timer.Path, out var node))
        {
            return;
        }

        var start = timer.Purpose == TimerPurpose.Wait
            ? node.StartedAt
            : node.AttemptLog.IsDefaultOrEmpty ? null : node.AttemptLog[^1].EndedAt;
        var purpose = timer.Purpose == TimerPurpose.Wait ? "wait" : "retry";
        var tags = Spans.InstanceTags(after.Workflow, after.Version, after.InstanceId);
        Spans.AddNode(ref tags, timer.Path, Definition(plan, timer.Path));
        tags.Add(TraceAttributes.TimerPurpose, purpose);
        if (timer.Purpose == TimerPurpose.Retry)
        {
            tags.Add(TraceAttributes.Attempt, node.Attempt + 1);
        }

        Spans.Emit($"{purpose} {NodePath.NodeId(timer.Path)}", ActivityKind.Internal, trace.RunContext(after.InstanceId, after.Epoch), start ?? timer.DueAt, now, tags);
    }

    private static void EventApplied(WorkflowPlan plan, InstanceState before, InstanceState after, EventRaised raised, DateTimeOffset now, ActivityContext cause)
    {
        var name = raised.Name.ToLowerInvariant();
        if (before.Waiters.TryGetValue(name, out var waiting) && !waiting.IsEmpty)
        {
            EventWaitEnded(plan, before, after, waiting.Peek(), now);
        }

        if (after.Trace is not { } trace)
        {
            return;
        }

        var declared = plan.Nodes.Values.Any(n => n.Definition is EventNode e && string.Equals(e.EventName, raised.Name, StringComparison.OrdinalIgnoreCase));
        var tags = Spans.InstanceTags(after.Workflow, after.Version, after.InstanceId);
        tags.Add(TraceAttributes.EventName, raised.Name);
        Spans.Emit(
            declared ? $"event {raised.Name}" : "event",
            ActivityKind.Consumer,
            trace.RunContext(after.InstanceId, after.Epoch),
            now,
            now,
            tags,
            link: cause == default ? null : new ActivityLink(cause));
    }

    private static void QueuedEventsTaken(WorkflowPlan plan, InstanceState before, InstanceState after, DateTimeOffset now)
    {
        foreach (var (path, node) in after.Nodes)
        {
            if (node.Status is NodeStatus.Succeeded
                && Definition(plan, path) is EventNode
                && (!before.Nodes.TryGetValue(path, out var was) || was.Status != NodeStatus.Succeeded))
            {
                EventWaitEnded(plan, before, after, path, now);
            }
        }
    }

    private static void EventWaitEnded(WorkflowPlan plan, InstanceState before, InstanceState after, string path, DateTimeOffset now)
    {
        if (!after.Nodes.TryGetValue(path, out var node) || node.Status is NodeStatus.Running or NodeStatus.Pending || Definition(plan, path) is not EventNode definition)
        {
            return;
        }

        var start = before.Nodes.TryGetValue(path, out var was) && was.StartedAt is { } s ? s : node.StartedAt ?? now;
        var result = node.Status == NodeStatus.Succeeded ? "received" : node.Error?.Type == ErrorTypes.Timeout ? "timed_out" : "failed";
        WorkflowTelemetry.Current.EventWaitDuration.Record(
            Seconds(now - start),
            new KeyValuePair<string, object?>(TraceAttributes.Workflow, after.Workflow),
            new KeyValuePair<string, object?>(TraceAttributes.Result, result));
        if (after.Trace is not { } trace)
        {
            return;
        }

        var tags = Spans.InstanceTags(after.Workflow, after.Version, after.InstanceId);
        Spans.AddNode(ref tags, path, definition);
        tags.Add(TraceAttributes.EventName, definition.EventName);
        tags.Add(TraceAttributes.Result, result);
        if (node.Error is { } error)
        {
            tags.Add(TraceAttributes.ErrorType, error.Type);
        }

        Spans.Emit($"wait for {definition.EventName}", ActivityKind.Internal, trace.RunContext(after.InstanceId, after.Epoch), start, now, tags, error: node.Error);
    }

    private static void Retried(WorkflowPlan plan, InstanceState before, InstanceState after, string key, WorkflowError error)
    {
        if (NodePath.TryParseKey(after.InstanceId, key, out var path, out _, out _)
            && after.Nodes.TryGetValue(path, out var node) && node.Backoff
            && before.Nodes.TryGetValue(path, out var was) && !was.Backoff
            && Definition(plan, path) is { } definition)
        {
            WorkflowTelemetry.Current.NodeRetries.Add(
                1,
                new KeyValuePair<string, object?>(TraceAttributes.Workflow, after.Workflow),
                new KeyValuePair<string, object?>(TraceAttributes.NodeType, NodeTypeNames.Of(definition)),
                new KeyValuePair<string, object?>(TraceAttributes.ErrorType, error.Type));
        }
    }

    private static NodeDefinition? Definition(WorkflowPlan plan, string path)
        => plan.Nodes.TryGetValue(NodePath.NodeId(path), out var node) ? node.Definition : null;

    private static string Result(InstanceStatus status) => status switch
    {
        InstanceStatus.Completed => "completed",
        InstanceStatus.Failed => "failed",
        InstanceStatus.Terminated => "terminated",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static double Seconds(TimeSpan span) => Math.Max(0, span.TotalSeconds);
}
