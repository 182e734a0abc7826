using System.Text.Json;

namespace Serverless.Engine.Decisions;

/// <summary>An event raised for the instance through the API.</summary>
public sealed record EventRaised(string Id, string Name, JsonElement Payload) : WorkflowEvent(Id);
