using System.Text.Json;

namespace Serverless.Engine.Decisions;

/// <summary>A child started by <see cref="StartChild"/> completed.</summary>
public sealed record ChildCompleted(string Id, string ChildInstanceId, int Version, JsonElement Output) : WorkflowEvent(Id);
