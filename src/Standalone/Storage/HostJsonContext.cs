using System.Text.Json.Serialization;
using Serverless.Engine.Decisions;

namespace Serverless.Standalone.Storage;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(InstanceEnvelope))]
[JsonSerializable(typeof(ControlMessage))]
[JsonSerializable(typeof(WorkflowEvent))]
internal sealed partial class HostJsonContext : JsonSerializerContext;
