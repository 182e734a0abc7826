using System.Collections.Immutable;

namespace Serverless.Engine.Decisions;

/// <summary>The result of one decision: the next state and what the host must do.</summary>
/// <param name="State">The next state (the same instance when the event changed nothing).</param>
/// <param name="Commands">Commands in the order the host should carry them out.</param>
internal sealed record Decision(InstanceState State, ImmutableArray<WorkflowCommand> Commands);
