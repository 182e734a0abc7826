using System.Collections.Immutable;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Definitions;

/// <summary>Runs a registered workflow as a child instance.</summary>
internal sealed record WorkflowNode : NodeDefinition, IRetryableNode
{
    /// <summary>The child workflow's registered name.</summary>
    public required string Workflow { get; init; }
    /// <summary>A pinned version; null means the latest when the node first starts.</summary>
    public int? Version { get; init; }
    /// <summary>The child's input template.</summary>
    public Template? Input { get; init; }
    /// <inheritdoc/>
    public ImmutableArray<RetryPolicy>? Retry { get; init; }
}
