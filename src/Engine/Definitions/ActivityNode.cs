using System.Collections.Immutable;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Definitions;

/// <summary>A custom C# activity registered by the app.</summary>
internal sealed record ActivityNode : NodeDefinition, IRetryableNode
{
    /// <summary>The registered activity's name.</summary>
    public required string Activity { get; init; }
    /// <summary>The activity's input template; null means JSON null.</summary>
    public Template? Input { get; init; }
    /// <summary>Per-attempt timeout.</summary>
    public TimeSpan? Timeout { get; init; }
    /// <inheritdoc/>
    public ImmutableArray<RetryPolicy>? Retry { get; init; }
}
