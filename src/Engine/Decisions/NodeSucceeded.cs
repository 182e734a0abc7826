using System.Text.Json;

namespace Serverless.Engine.Decisions;

/// <summary>A <see cref="RunNode"/> finished well. <paramref name="Key"/> is the command's idempotency key.</summary>
public sealed record NodeSucceeded(string Id, string Key, JsonElement Output) : WorkflowEvent(Id);
