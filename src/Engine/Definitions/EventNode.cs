namespace Serverless.Engine.Definitions;

/// <summary>Waits for an event raised through the API.</summary>
internal sealed record EventNode : NodeDefinition
{
    /// <summary>The event name (compared case-insensitively).</summary>
    public required string EventName { get; init; }
    /// <summary>How long to wait before failing with Timeout.</summary>
    public TimeSpan? Timeout { get; init; }
}
