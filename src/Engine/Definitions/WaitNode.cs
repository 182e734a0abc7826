using Serverless.Engine.Expressions;

namespace Serverless.Engine.Definitions;

/// <summary>Waits for a duration or until a timestamp, on a durable timer.</summary>
internal sealed record WaitNode : NodeDefinition
{
    /// <summary>How long to wait, if given.</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Expression giving a timestamp with a UTC offset, if given.</summary>
    public Template? Until { get; init; }
}
