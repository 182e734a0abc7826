namespace Serverless.Engine.Decisions;

internal static partial class Decider
{
    /// <summary>Applies <paramref name="event"/> to <paramref name="state"/> at <paramref name="now"/>.</summary>
    /// <remarks>
    /// Pure and deterministic. An event that does not apply (a duplicate, a late result of an abandoned attempt, a
    /// timer already cancelled, anything after the instance ended) returns the same state and no commands.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The state was written under other engine semantics, or for another plan.</exception>
    public static Decision Decide(WorkflowPlan plan, InstanceState state, WorkflowEvent @event, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(@event);
        if (state.Semantics != SemanticsVersion)
        {
            throw new InvalidOperationException(
                $"Instance '{state.InstanceId}' was written under engine semantics version {state.Semantics}; this engine runs version {SemanticsVersion} and will not decide it.");
        }

        if (!string.Equals(plan.Name, state.Workflow, StringComparison.Ordinal) || plan.Version != state.Version)
        {
            throw new InvalidOperationException(
                $"Instance '{state.InstanceId}' runs {state.Workflow} v{state.Version}, not {plan.Name} v{plan.Version}.");
        }

        var context = new DecisionContext(plan, state, now);
        context.Apply(@event);
        return context.Finish();
    }

    /// <summary>Applies several events in order, as one batch: the commands of each, concatenated.</summary>
    public static Decision DecideAll(WorkflowPlan plan, InstanceState state, IEnumerable<WorkflowEvent> events, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(events);
        var commands = System.Collections.Immutable.ImmutableArray.CreateBuilder<WorkflowCommand>();
        foreach (var @event in events)
        {
            var decision = Decide(plan, state, @event, now);
            state = decision.State;
            commands.AddRange(decision.Commands);
        }

        return new Decision(state, commands.ToImmutable());
    }
}
