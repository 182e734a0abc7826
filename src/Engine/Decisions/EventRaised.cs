using System.Text.Json;

namespace Serverless.Engine.Decisions;

/// <summary>An event raised for the instance through the API.</summary>
public sealed record EventRaised(string Id, string Name, JsonElement Payload) : WorkflowEvent(Id)
{
    /// <summary>The W3C <c>traceparent</c> of the request that raised it, when the host carries it: the event's span links to it.</summary>
    public string? Cause { get; init; }
}
