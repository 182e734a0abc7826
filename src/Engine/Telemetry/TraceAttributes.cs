namespace Serverless.Engine.Telemetry;

/// <summary>The attribute names of the workflow spans and metrics (docs/observability.md describes each).</summary>
public static class TraceAttributes
{
    /// <summary>The workflow name.</summary>
    public const string Workflow = "workflow.name";

    /// <summary>The pinned definition version.</summary>
    public const string Version = "workflow.version";

    /// <summary>The instance id (spans only).</summary>
    public const string InstanceId = "workflow.instance.id";

    /// <summary>The rerun epoch of a run (0 before any rerun).</summary>
    public const string Epoch = "workflow.run.epoch";

    /// <summary>How a run, an attempt or a wait ended: <c>completed</c>, <c>failed</c>, <c>terminated</c>, <c>succeeded</c>, <c>received</c>, <c>timed_out</c>, <c>fired</c>.</summary>
    public const string Result = "workflow.result";

    /// <summary>The node's id in the definition.</summary>
    public const string NodeId = "workflow.node.id";

    /// <summary>The node's type (<c>http</c>, <c>activity</c>, <c>wait</c>, <c>event</c>, ...).</summary>
    public const string NodeType = "workflow.node.type";

    /// <summary>The node path, with iterations (<c>each[3].fetch</c>).</summary>
    public const string NodePath = "workflow.node.path";

    /// <summary>The innermost foreach or loop iteration of the node, when it runs in one.</summary>
    public const string Iteration = "workflow.node.iteration";

    /// <summary>The attempt number, from 1.</summary>
    public const string Attempt = "workflow.node.attempt";

    /// <summary>An event's name.</summary>
    public const string EventName = "workflow.event.name";

    /// <summary>What a timer was for: <c>wait</c> or <c>retry</c>.</summary>
    public const string TimerPurpose = "workflow.timer.purpose";

    /// <summary>What kind of work a dispatch lag measures: <c>node</c> or <c>timer</c>.</summary>
    public const string DispatchKind = "workflow.dispatch.kind";

    /// <summary>The run's or the attempt's input as JSON, only with <see cref="TraceOptions.RecordPayloads"/>.</summary>
    public const string Input = "workflow.input";

    /// <summary>The run's or the attempt's output as JSON, only with <see cref="TraceOptions.RecordPayloads"/>.</summary>
    public const string Output = "workflow.output";

    /// <summary>The OpenTelemetry error type: the workflow error type (<c>HttpError</c>, <c>Timeout</c>, ...).</summary>
    public const string ErrorType = "error.type";
}
