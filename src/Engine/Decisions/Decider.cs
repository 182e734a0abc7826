using System.Text.Json;

namespace Serverless.Engine.Decisions;

/// <summary>
/// The pure decider: <c>Decide(plan, state, event, now) -> (state', commands)</c>.
/// No I/O, no clock, no randomness: the same inputs always give the same outputs.
/// </summary>
/// <remarks>WARNING: never read the clock or random numbers here; both hosts, and Durable Functions replays, depend on it.</remarks>
internal static partial class Decider
{
    /// <summary>The semantics version this engine writes and the only one it accepts.</summary>
    public const int SemanticsVersion = 1;

    /// <summary>
    /// Whether the instance takes a raised event named <paramref name="eventName"/> now: a node waits for it, or fewer
    /// than <see cref="PlanOptions.MaxQueuedEvents"/> events are queued. Hosts check this before acknowledging a raise,
    /// so the decider never has to drop an acknowledged event.
    /// </summary>
    public static bool CanAcceptEvent(WorkflowPlan plan, InstanceState state, string eventName)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(eventName);
        var waiting = state.Status == InstanceStatus.Running
            && state.Waiters.TryGetValue(eventName.ToLowerInvariant(), out var queue) && !queue.IsEmpty;
        return waiting || QueuedEventCount(state.EventQueues) < plan.Options.MaxQueuedEvents;
    }

    /// <summary>Queued events the decider keeps at most: twice <see cref="PlanOptions.MaxQueuedEvents"/> (see <see cref="CanAcceptEvent"/>).</summary>
    internal static int HardQueuedEventLimit(WorkflowPlan plan) => plan.Options.MaxQueuedEvents * 2;

    internal static int QueuedEventCount(IEnumerable<KeyValuePair<string, System.Collections.Immutable.ImmutableQueue<RaisedEvent>>> queues)
    {
        var count = 0;
        foreach (var (_, queue) in queues)
        {
            count += queue.Count();
        }

        return count;
    }

    /// <summary>Creates the Pending state of a new instance.</summary>
    public static InstanceState Create(WorkflowPlan plan, string instanceId, JsonElement input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new InstanceState
        {
            InstanceId = instanceId,
            Workflow = plan.Name,
            Version = plan.Version,
            Status = InstanceStatus.Pending,
            Input = input.Clone(),
            CreatedAt = now,
            LastUpdatedAt = now,
        };
    }
}
