using Serverless.Engine.Decisions;

namespace Serverless.Engine.Replay;

/// <summary>The input of the node activity: enough to find the node and run the decider's command.</summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="Workflow">The workflow name.</param>
/// <param name="Version">The pinned version.</param>
/// <param name="Command">The decider's command.</param>
internal sealed record NodeActivityRequest(string InstanceId, string Workflow, int Version, RunNode Command);
