using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Serverless.Engine.Hosting;
using Serverless.FunctionApp.Orchestration;

namespace Serverless.FunctionApp.Activities;

/// <summary>The orchestrator's activities: thin forwards to the engine (I/O happens here, never in the orchestrator).</summary>
public sealed class WorkflowActivities
{
    private readonly NodeActivity _nodes;
    private readonly IDefinitionSource _definitions;
    private readonly ICheckpointStore _checkpoints;
    private readonly ILogger<WorkflowActivities> _logger;

    /// <summary>Creates the activities over the engine's services.</summary>
    public WorkflowActivities(NodeActivity nodes, IDefinitionSource definitions, ICheckpointStore checkpoints, ILogger<WorkflowActivities> logger)
    {
        _nodes = nodes;
        _definitions = definitions;
        _checkpoints = checkpoints;
        _logger = logger;
    }

    /// <summary>Runs one attempt of node work.</summary>
    [Function(FunctionNames.RunNode)]
    public Task<NodeResult> RunNodeAsync([ActivityTrigger] NodeActivityRequest request, CancellationToken cancellationToken)
        => _nodes.RunAsync(request, cancellationToken);

    /// <summary>Loads a registered definition.</summary>
    [Function(FunctionNames.LoadDefinition)]
    public Task<DefinitionSnapshot?> LoadDefinitionAsync([ActivityTrigger] DefinitionRequest request, CancellationToken cancellationToken)
        => _definitions.GetAsync(request.Workflow, request.Version, cancellationToken);

    /// <summary>Resolves a workflow's latest version; null when it is not registered.</summary>
    [Function(FunctionNames.ResolveVersion)]
    public async Task<int?> ResolveVersionAsync([ActivityTrigger] DefinitionRequest request, CancellationToken cancellationToken)
        => (await _definitions.GetAsync(request.Workflow, request.Version, cancellationToken))?.Version;

    /// <summary>Saves a checkpoint of an orchestration.</summary>
    [Function(FunctionNames.SaveCheckpoint)]
    public Task SaveCheckpointAsync([ActivityTrigger] CheckpointRequest request, CancellationToken cancellationToken)
        => _checkpoints.SaveAsync(request.InstanceId, request.Checkpoint, cancellationToken);

    /// <summary>Terminates a child instance; one that already ended is logged, not failed.</summary>
    [Function(FunctionNames.TerminateInstance)]
    public async Task TerminateInstanceAsync(
        [ActivityTrigger] TerminateRequest request, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        try
        {
            await client.TerminateInstanceAsync(request.InstanceId, request.Reason, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Terminating a child that already ended is not an error of the parent.
            Log.TerminateFailed(_logger, request.InstanceId, ex);
        }
    }
}
