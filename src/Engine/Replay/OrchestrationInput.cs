using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Engine.Telemetry;

namespace Serverless.Engine.Replay;

/// <summary>
/// The orchestration input: <c>{workflow, version, input}</c>, plus <c>continuation</c> after a ContinueAsNew.
/// </summary>
/// <param name="Workflow">The workflow name.</param>
/// <param name="Version">The pinned version; null (only for children started without one) means the latest.</param>
/// <param name="Input">The instance input.</param>
/// <param name="Continuation">The carried-over driver state after a ContinueAsNew; null on the first execution.</param>
internal sealed record OrchestrationInput(
    string Workflow,
    int? Version,
    JsonElement Input,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Continuation? Continuation = null)
{
    /// <summary>The trace of the instance (its start request's, or the parent's run for a child); null before traces.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public InstanceTrace? Trace { get; init; }
}
