using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Decisions;

/// <summary>The instance completed with <see cref="Output"/>.</summary>
internal sealed record CompleteInstance(JsonElement Output) : WorkflowCommand;
