using System.Collections.Immutable;
using System.Text.Json;

namespace Serverless.Engine.Decisions;

/// <summary>The status of one node (or one body iteration).</summary>
public enum NodeStatus
{
    /// <summary>Not decided yet.</summary>
    Pending,
    /// <summary>Work, a timer, a wait, a child or iterations are outstanding.</summary>
    Running,
    /// <summary>Finished well.</summary>
    Succeeded,
    /// <summary>Failed.</summary>
    Failed,
    /// <summary>Not run: an outcome was not accepted or its <c>if</c> was false.</summary>
    Skipped,
    /// <summary>Its scope ended before it finished.</summary>
    Cancelled,
}

/// <summary>
/// The whole state of one instance: a compact, immutable record the decider turns into the next one.
/// Serialized with <see cref="StateSerializer"/>. Ordered collections keep serialization and iteration deterministic.
/// </summary>
public sealed record InstanceState
{
    /// <summary>The engine semantics version this state was written under; see <see cref="Decider.SemanticsVersion"/>.</summary>
    public int Semantics { get; init; } = Decider.SemanticsVersion;

    /// <summary>The instance id.</summary>
    public required string InstanceId { get; init; }

    /// <summary>The workflow name.</summary>
    public required string Workflow { get; init; }

    /// <summary>The pinned definition version.</summary>
    public required int Version { get; init; }

    /// <summary>The runtime status.</summary>
    public InstanceStatus Status { get; init; }

    /// <summary>The instance input.</summary>
    public JsonElement Input { get; init; }

    /// <summary>When the instance was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it started running.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it reached a final status.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>When the decider last changed it.</summary>
    public DateTimeOffset LastUpdatedAt { get; init; }

    /// <summary>The rerun epoch (0 before any rerun); part of idempotency keys, child ids and jitter seeds.</summary>
    public int Epoch { get; init; }

    /// <summary>Counter for timer ids.</summary>
    public long Sequence { get; init; }

    /// <summary>Top-level nodes not yet final.</summary>
    public int Remaining { get; init; }

    /// <summary>Nodes and body iterations that have started or been decided, by path.</summary>
    public ImmutableSortedDictionary<string, NodeState> Nodes { get; init; } = ImmutableSortedDictionary.Create<string, NodeState>(StringComparer.Ordinal, ReferenceComparer<NodeState>.Instance);

    /// <summary>Outstanding timers, by id.</summary>
    public ImmutableSortedDictionary<string, TimerState> Timers { get; init; } = ImmutableSortedDictionary.Create<string, TimerState>(StringComparer.Ordinal, ReferenceComparer<TimerState>.Instance);

    /// <summary>Raised events not yet consumed, per lower-cased name, first in first out.</summary>
    public ImmutableSortedDictionary<string, ImmutableQueue<RaisedEvent>> EventQueues { get; init; } = ImmutableSortedDictionary.Create<string, ImmutableQueue<RaisedEvent>>(StringComparer.Ordinal);

    /// <summary>Event nodes waiting, per lower-cased name, in the order they started waiting.</summary>
    public ImmutableSortedDictionary<string, ImmutableQueue<string>> Waiters { get; init; } = ImmutableSortedDictionary.Create<string, ImmutableQueue<string>>(StringComparer.Ordinal);

    /// <summary>Ids of raised events already applied (so a re-delivery is a no-op).</summary>
    public ImmutableSortedSet<string> SeenEvents { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Events that arrived while suspended, applied in order on resume.</summary>
    public ImmutableQueue<WorkflowEvent> Deferred { get; init; } = ImmutableQueue<WorkflowEvent>.Empty;

    /// <summary>The output once Completed.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>The error once Failed or Terminated.</summary>
    public WorkflowError? Error { get; init; }
}

/// <summary>The state of one node, or of one body iteration (path <c>each[3]</c>).</summary>
public sealed record NodeState
{
    /// <summary>The node's id in the definition (not serialized: it is the last segment of the path).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string NodeId { get; init; } = "";

    /// <summary>The status.</summary>
    public NodeStatus Status { get; init; }

    /// <summary>Attempts started (http, activity, workflow) in this epoch.</summary>
    public int Attempt { get; init; }

    /// <summary>Retries used per retrier, by the retrier's index; default (not serialized) when the node has no retrier.</summary>
    public ImmutableArray<int> Retries { get; init; }

    /// <summary>When it started (or was decided).</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it became final.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The stored output.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>The error, when failed.</summary>
    public WorkflowError? Error { get; init; }

    /// <summary>For a switch: the chosen case.</summary>
    public string? Outcome { get; init; }

    /// <summary>The timer the node waits on (retry delay, wait, event timeout or attempt timeout), if any.</summary>
    public string? TimerId { get; init; }

    /// <summary>True while the node waits for a retry timer (nothing else outstanding).</summary>
    public bool Backoff { get; init; }

    /// <summary>For a workflow node: the child version, recorded when first reported.</summary>
    public int? ChildVersion { get; init; }

    /// <summary>For a foreach: the evaluated items; for a foreach iteration: unused.</summary>
    public JsonElement? Items { get; init; }

    /// <summary>For a foreach: items started so far; for a loop: the current iteration.</summary>
    public int Next { get; init; }

    /// <summary>For a foreach/loop: iterations running; for an iteration: its nodes not yet final.</summary>
    public int Active { get; init; }

    /// <summary>For a foreach: items finished (any final status).</summary>
    public int Done { get; init; }

    /// <summary>For a foreach: items failed.</summary>
    public int FailedItems { get; init; }

    /// <summary>For a foreach being rerun: indexes of failed items still to start again, in order.</summary>
    public ImmutableArray<int> RerunItems { get; init; }
}

/// <summary>An outstanding durable timer.</summary>
/// <param name="DueAt">When it fires.</param>
/// <param name="Path">The node it belongs to; "" for the instance timeout.</param>
/// <param name="Purpose">What it is for.</param>
public sealed record TimerState(DateTimeOffset DueAt, string Path, TimerPurpose Purpose);

/// <summary>What a timer is for.</summary>
public enum TimerPurpose
{
    /// <summary>The delay before a retry.</summary>
    Retry,
    /// <summary>A wait node.</summary>
    Wait,
    /// <summary>An event node's timeout.</summary>
    EventTimeout,
    /// <summary>An http/activity attempt's timeout.</summary>
    AttemptTimeout,
    /// <summary>The instance timeout.</summary>
    InstanceTimeout,
}

/// <summary>An event raised for the instance and not yet consumed.</summary>
/// <param name="Id">The event id.</param>
/// <param name="Payload">The JSON payload.</param>
public sealed record RaisedEvent(string Id, JsonElement Payload);

/// <summary>
/// Compares by reference. The state's maps use it for values: records holding <see cref="JsonElement"/>s would
/// otherwise be compared field by field (through reflection) on every write.
/// </summary>
internal sealed class ReferenceComparer<T> : IEqualityComparer<T>
    where T : class
{
    public static ReferenceComparer<T> Instance { get; } = new();

    public bool Equals(T? x, T? y) => ReferenceEquals(x, y);

    public int GetHashCode(T obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
}
