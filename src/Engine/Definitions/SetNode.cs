using Serverless.Engine.Expressions;

namespace Serverless.Engine.Definitions;

/// <summary>Evaluates a value; decided inline.</summary>
internal sealed record SetNode : NodeDefinition
{
    /// <summary>The value template.</summary>
    public required Template Value { get; init; }
}
