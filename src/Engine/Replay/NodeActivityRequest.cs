using System.Text.Json.Serialization;
using Serverless.Engine.Decisions;
using Serverless.Engine.Telemetry;

namespace Serverless.Engine.Replay;

/// <summary>The input of the node activity: enough to find the node and run the decider's command.</summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="Workflow">The workflow name.</param>
/// <param name="Version">The pinned version.</param>
/// <param name="Command">The decider's command.</param>
internal sealed record NodeActivityRequest(string InstanceId, string Workflow, int Version, RunNode Command)
{
    /// <summary>The instance's trace (the attempt's span is a child of its run span); null before traces.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public InstanceTrace? Trace { get; init; }

    /// <summary>The rerun epoch of the run the attempt belongs to.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Epoch { get; init; }

    /// <summary>When the decider asked for the attempt (the orchestration's time).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? ScheduledAt { get; init; }
}
