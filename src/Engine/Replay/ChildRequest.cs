using System.Text.Json;
using Serverless.Engine.Telemetry;

namespace Serverless.Engine.Replay;

/// <summary>What a child needs to start.</summary>
/// <param name="ChildInstanceId">The derived child instance id.</param>
/// <param name="Workflow">The child workflow.</param>
/// <param name="Version">The version; null means the latest, resolved by the runtime.</param>
/// <param name="Input">The child's input.</param>
internal sealed record ChildRequest(string ChildInstanceId, string Workflow, int? Version, JsonElement Input)
{
    /// <summary>The child's trace: the parent's, under the parent's run span.</summary>
    public InstanceTrace? Trace { get; init; }
}
