using Serverless.Engine.Expressions;

namespace Serverless.Engine.Definitions;

/// <summary>Runs its body until a condition holds.</summary>
internal sealed record LoopNode : NodeDefinition
{
    /// <summary>The body run per iteration.</summary>
    public required BodyDefinition Body { get; init; }
    /// <summary>Checked after each iteration; true ends the loop.</summary>
    public required Template Until { get; init; }
    /// <summary>Iterations allowed before failing with LoopLimitExceeded.</summary>
    public required int MaxIterations { get; init; }
}
