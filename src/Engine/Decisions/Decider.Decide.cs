namespace Serverless.Engine.Decisions;

public static partial class Decider
{
    /// <summary>Applies <paramref name="event"/> to <paramref name="state"/> at <paramref name="now"/>.</summary>
    public static Decision Decide(WorkflowPlan plan, InstanceState state, WorkflowEvent @event, DateTimeOffset now)
        => throw new NotImplementedException();
}
