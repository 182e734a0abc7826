using System.Collections.Immutable;
using System.Text.Json;

namespace Serverless.Engine.Decisions;

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

    /// <summary>When the current rerun began; null before any rerun (the run then began at <see cref="StartedAt"/>).</summary>
    public DateTimeOffset? RerunAt { get; init; }

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

    /// <summary>The trace the instance's spans belong to, from its start request; null for instances started before traces.</summary>
    public Serverless.Engine.Telemetry.InstanceTrace? Trace { get; init; }
}
