using System.Text.Json;
using Serverless.Engine;
using Serverless.Engine.Definitions;
using Serverless.Engine.Execution;

namespace Serverless.Host.Runtime;

/// <summary>
/// The node executor used when the application registers none: runs the built-in <c>echo</c> activity (returns its
/// input) and fails every other node with a clear error. Applications register the engine's executors instead.
/// </summary>
internal sealed class BuiltInActivities : INodeExecutor
{
    public Task<NodeOutcome> ExecuteAsync(NodeWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Task.FromResult(work.Node switch
        {
            ActivityNode { Activity: "echo" } => NodeOutcome.Success(work.Command.Input.ValueKind == JsonValueKind.Undefined ? default : work.Command.Input),
            ActivityNode a => NodeOutcome.Failure(new WorkflowError(ErrorTypes.ActivityError, $"Activity '{a.Activity}' is not registered in this host (node '{work.Command.Path}').")),
            _ => NodeOutcome.Failure(new WorkflowError(ErrorTypes.ActivityError, $"This host has no executor for node '{work.Command.Path}' ({work.Node.GetType().Name}).")),
        });
    }
}
