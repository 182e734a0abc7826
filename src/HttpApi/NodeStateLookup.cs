using Serverless.Engine.Decisions;

namespace Serverless.HttpApi;

/// <summary>What <see cref="IInstanceBackend.GetNodeStateAsync"/> found.</summary>
/// <param name="Found">False when the instance does not exist (404).</param>
/// <param name="State">The instance's latest recorded state; null when none is recorded yet (no nodes to list).</param>
/// <param name="Plan">The plan the instance runs, when it resolves (a workflow node's child id needs it).</param>
internal readonly record struct NodeStateLookup(bool Found, InstanceState? State, WorkflowPlan? Plan = null)
{
    /// <summary>The instance does not exist.</summary>
    public static NodeStateLookup NotFound => new(false, null, null);
}
