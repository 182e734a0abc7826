using System.Collections.Immutable;
using System.Text.Json;

namespace Serverless.Engine.Decisions;

/// <summary>Serializes states, events and commands with source-generated System.Text.Json (compact, camelCase).</summary>
internal static class StateSerializer
{
    /// <summary>Serializes a state to UTF-8 JSON.</summary>
    public static byte[] Serialize(InstanceState state) => JsonSerializer.SerializeToUtf8Bytes(state, EngineJsonContext.Default.InstanceState);

    /// <summary>Reads a state; refuses one written under other semantics.</summary>
    /// <exception cref="InvalidOperationException">The state was written by an engine with other semantics.</exception>
    public static InstanceState Deserialize(ReadOnlySpan<byte> utf8)
    {
        var state = JsonSerializer.Deserialize(utf8, EngineJsonContext.Default.InstanceState)
            ?? throw new JsonException("The state is JSON null.");
        if (state.Semantics != Decider.SemanticsVersion)
        {
            throw new InvalidOperationException(
                $"Instance '{state.InstanceId}' was written under engine semantics version {state.Semantics}; this engine runs version {Decider.SemanticsVersion} and will not replay it.");
        }

        // Collections come back with default comparers; the decider relies on ordinal ordering.
        return state with
        {
            Nodes = ImmutableSortedDictionary.CreateRange<string, NodeState>(
                StringComparer.Ordinal,
                ReferenceComparer<NodeState>.Instance,
                state.Nodes.Select(n => KeyValuePair.Create(n.Key, n.Value with { NodeId = NodePath.NodeId(n.Key) }))),
            Timers = state.Timers.WithComparers(StringComparer.Ordinal, ReferenceComparer<TimerState>.Instance),
            EventQueues = state.EventQueues.WithComparers(StringComparer.Ordinal),
            Waiters = state.Waiters.WithComparers(StringComparer.Ordinal),
            SeenEvents = state.SeenEvents.WithComparer(StringComparer.Ordinal),
        };
    }

    /// <summary>Serializes an event.</summary>
    public static byte[] Serialize(WorkflowEvent @event) => JsonSerializer.SerializeToUtf8Bytes(@event, EngineJsonContext.Default.WorkflowEvent);

    /// <summary>Reads an event.</summary>
    public static WorkflowEvent DeserializeEvent(ReadOnlySpan<byte> utf8)
        => JsonSerializer.Deserialize(utf8, EngineJsonContext.Default.WorkflowEvent) ?? throw new JsonException("The event is JSON null.");

    /// <summary>Serializes a command.</summary>
    public static byte[] Serialize(WorkflowCommand command) => JsonSerializer.SerializeToUtf8Bytes(command, EngineJsonContext.Default.WorkflowCommand);

    /// <summary>Reads a command.</summary>
    public static WorkflowCommand DeserializeCommand(ReadOnlySpan<byte> utf8)
        => JsonSerializer.Deserialize(utf8, EngineJsonContext.Default.WorkflowCommand) ?? throw new JsonException("The command is JSON null.");
}
