using System.Text.Json;

namespace Serverless.Engine.Decisions;

/// <summary>The instance completed with <see cref="Output"/>.</summary>
internal sealed record CompleteInstance(JsonElement Output) : WorkflowCommand;
