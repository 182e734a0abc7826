using System.Text.Json.Serialization;

namespace Serverless.Engine.Decisions;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(InstanceState))]
[JsonSerializable(typeof(WorkflowEvent))]
[JsonSerializable(typeof(WorkflowCommand))]
[JsonSerializable(typeof(WorkflowError))]
internal sealed partial class EngineJsonContext : JsonSerializerContext;
