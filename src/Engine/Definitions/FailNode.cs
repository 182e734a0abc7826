using Serverless.Engine.Expressions;

namespace Serverless.Engine.Definitions;

/// <summary>Fails with a chosen error; decided inline.</summary>
internal sealed record FailNode : NodeDefinition
{
    /// <summary>The error type.</summary>
    public required string ErrorType { get; init; }
    /// <summary>The message template.</summary>
    public Template? Message { get; init; }
}
