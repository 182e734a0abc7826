using System.Collections.Immutable;
using System.Text.Json;

namespace Serverless.Engine.Decisions;

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

    /// <summary>The rerun epoch its attempts ran in (http, activity, workflow): part of their keys and child ids.</summary>
    public int Epoch { get; init; }

    /// <summary>Retries used per retrier, by the retrier's index; default (not serialized) when the node has no retrier.</summary>
    public ImmutableArray<int> Retries { get; init; }

    /// <summary>
    /// Failed attempts that a retry followed, oldest first, at most the last 20 (<see cref="AttemptLogDropped"/> counts
    /// older ones); default (not serialized) until a retry follows a failure.
    /// </summary>
    public ImmutableArray<NodeAttempt> AttemptLog { get; init; }

    /// <summary>Failed attempts dropped from the front of <see cref="AttemptLog"/> to keep it bounded.</summary>
    public int AttemptLogDropped { get; init; }

    /// <summary>When the current attempt started, from the second attempt on (the first starts at <see cref="StartedAt"/>).</summary>
    public DateTimeOffset? AttemptStartedAt { get; init; }

    /// <summary>When it started (or was decided).</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the current attempt started: <see cref="AttemptStartedAt"/>, or <see cref="StartedAt"/> for the first.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    internal DateTimeOffset? CurrentAttemptStartedAt => AttemptStartedAt ?? StartedAt;

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
