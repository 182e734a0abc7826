using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Decisions;

/// <summary>What the decider asks its host to do. Hosts carry commands out; they decide nothing.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(RunNode), "runNode")]
[JsonDerivedType(typeof(StartTimer), "startTimer")]
[JsonDerivedType(typeof(CancelTimer), "cancelTimer")]
[JsonDerivedType(typeof(WaitForEvent), "waitForEvent")]
[JsonDerivedType(typeof(StartChild), "startChild")]
[JsonDerivedType(typeof(TerminateChild), "terminateChild")]
[JsonDerivedType(typeof(CompleteInstance), "complete")]
[JsonDerivedType(typeof(FailInstance), "fail")]
internal abstract record WorkflowCommand;

/// <summary>
/// Run an <c>http</c> or <c>activity</c> node's work once and report <see cref="NodeSucceeded"/> or
/// <see cref="NodeFailed"/> with <see cref="Key"/>. Work is at-least-once: executors receive the key to dedupe.
/// </summary>
/// <param name="Key">Stable idempotency key: <c>{instanceId}:{path}:{epoch}:{attempt}</c>.</param>
/// <param name="Path">The node path, e.g. <c>fetch</c> or <c>each[3].fetch</c>.</param>
/// <param name="NodeId">The node's id in the definition (look the definition up in the plan).</param>
/// <param name="Input">For http: the evaluated request <c>{method, url, headers, query, body}</c> with secret tokens intact; for activity: the evaluated input.</param>
/// <param name="Timeout">The per-attempt timeout, if any (the decider also races it with a timer).</param>
internal sealed record RunNode(string Key, string Path, string NodeId, JsonElement Input, TimeSpan? Timeout) : WorkflowCommand
{
    /// <summary>
    /// For http: where <see cref="Input"/> holds the definition's own secret references, the only places the executor
    /// resolves (null when there are none). Tokens anywhere else in the request are data and are sent as written.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SecretReference>? Secrets { get; init; }
}

/// <summary>Start a durable timer that reports <see cref="TimerFired"/> at <see cref="DueAt"/>, never earlier.</summary>
internal sealed record StartTimer(string TimerId, DateTimeOffset DueAt) : WorkflowCommand;

/// <summary>A timer is no longer needed; a late <see cref="TimerFired"/> is ignored anyway.</summary>
internal sealed record CancelTimer(string TimerId) : WorkflowCommand;

/// <summary>A node waits for events of <see cref="Name"/>; hosts deliver every arrival as <see cref="EventRaised"/>.</summary>
internal sealed record WaitForEvent(string Name) : WorkflowCommand;

/// <summary>Start a child instance and report <see cref="ChildCompleted"/> or <see cref="ChildFailed"/>.</summary>
/// <param name="ChildInstanceId">Derived from the parent: the node's key.</param>
/// <param name="Workflow">The child workflow's name.</param>
/// <param name="Version">The version; null means the latest (the host resolves it and reports it back).</param>
/// <param name="Input">The child's input.</param>
/// <param name="Path">The parent's node path.</param>
internal sealed record StartChild(string ChildInstanceId, string Workflow, int? Version, JsonElement Input, string Path) : WorkflowCommand;

/// <summary>Terminate a running child (instance timeout, or its node was cancelled).</summary>
internal sealed record TerminateChild(string ChildInstanceId, string Reason) : WorkflowCommand;

/// <summary>The instance completed with <see cref="Output"/>.</summary>
internal sealed record CompleteInstance(JsonElement Output) : WorkflowCommand;

/// <summary>The instance failed with <see cref="Error"/>.</summary>
internal sealed record FailInstance(WorkflowError Error) : WorkflowCommand;
