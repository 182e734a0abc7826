using Serverless.Engine.Expressions;

namespace Serverless.Engine.Definitions;

/// <summary>Runs its body once per item of an array.</summary>
internal sealed record ForeachNode : NodeDefinition
{
    /// <summary>Expression giving the array (at most 10,000 items).</summary>
    public required Template Items { get; init; }
    /// <summary>Bodies running at once; 0 means the host maximum.</summary>
    public int MaxConcurrency { get; init; } = 10;
    /// <summary>How many failed items are tolerated.</summary>
    public ToleratedFailures ToleratedFailures { get; init; } = ToleratedFailures.None;
    /// <summary>The body run per item.</summary>
    public required BodyDefinition Body { get; init; }
}
