using System.Collections.Immutable;
using Serverless.Engine.Decisions;

namespace Serverless.Engine.Replay;

/// <summary>
/// What one execution hands the next through ContinueAsNew: the decider state, the armed timers as absolute due times,
/// the event names waited for, the commands not yet carried out, and the event-id sequence.
/// </summary>
/// <param name="State">The decider state, serialized with <see cref="StateSerializer"/> (base64 of UTF-8 JSON).</param>
/// <param name="Sequence">The next event sequence number (event ids never repeat across executions).</param>
/// <param name="Timers">Timers to re-arm.</param>
/// <param name="Waits">Event names to wait for again.</param>
/// <param name="Pending">RunNode/StartChild commands held back at the history bound or by the width cap (serialized).</param>
/// <param name="Generation">How many times the instance continued as new.</param>
/// <param name="Rerun">True when this execution reruns a Failed instance from <see cref="State"/>.</param>
internal sealed record Continuation(
    string State,
    long Sequence,
    ImmutableArray<ArmedTimer> Timers,
    ImmutableArray<string> Waits,
    ImmutableArray<string> Pending,
    int Generation,
    bool Rerun = false)
{
    /// <summary>The decider state this continuation carries.</summary>
    public InstanceState ReadState() => StateSerializer.Deserialize(Convert.FromBase64String(State));

    /// <summary>The continuation that reruns a Failed instance from this checkpoint: nothing armed, nothing held back.</summary>
    public Continuation ForRerun() => this with
    {
        Timers = ImmutableArray<ArmedTimer>.Empty,
        Waits = ImmutableArray<string>.Empty,
        Pending = ImmutableArray<string>.Empty,
        Rerun = true,
    };
}
