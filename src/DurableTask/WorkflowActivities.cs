using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Serverless.DurableTask.Http;
using Serverless.Engine.Registry;
using Serverless.Engine.Replay;

namespace Serverless.DurableTask;

/// <summary>
/// The bodies of the orchestration's activities (<see cref="TaskNames"/>): where I/O happens, never in the
/// orchestration. The Functions app binds each to an activity trigger; <see cref="DurableTaskRegistryExtensions"/>
/// registers them with a plain durabletask-dotnet worker.
/// </summary>
internal sealed class WorkflowActivities
{
    private readonly NodeActivity _nodes;
    private readonly IDefinitionSource _definitions;
    private readonly ICheckpointStore _checkpoints;
    private readonly ILogger<WorkflowActivities> _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the activities over the engine's services; <paramref name="time"/> is the system clock when null.</summary>
    public WorkflowActivities(
        DefinitionRegistry registry,
        IDefinitionSource definitions,
        Serverless.Engine.Execution.INodeExecutor executor,
        ICheckpointStore checkpoints,
        ILogger<WorkflowActivities> logger,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _definitions = definitions ?? throw new ArgumentNullException(nameof(definitions));
        _nodes = new NodeActivity(definitions, executor, registry.Compiler);
        _checkpoints = checkpoints ?? throw new ArgumentNullException(nameof(checkpoints));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = time ?? TimeProvider.System;
    }

    /// <summary><see cref="TaskNames.RunNode"/>: runs one attempt of node work.</summary>
    public Task<NodeResult> RunNodeAsync(NodeActivityRequest request, CancellationToken cancellationToken)
        => _nodes.RunAsync(request, cancellationToken);

    /// <summary><see cref="TaskNames.LoadDefinition"/>: loads a registered definition; null when it is not registered.</summary>
    public Task<DefinitionSnapshot?> LoadDefinitionAsync(DefinitionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _definitions.GetAsync(request.Workflow, request.Version, cancellationToken);
    }

    /// <summary><see cref="TaskNames.ResolveVersion"/>: a workflow's latest version; null when it is not registered.</summary>
    public async Task<int?> ResolveVersionAsync(DefinitionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await _definitions.GetAsync(request.Workflow, request.Version, cancellationToken))?.Version;
    }

    /// <summary><see cref="TaskNames.SaveCheckpoint"/>: saves a checkpoint of an orchestration.</summary>
    public Task SaveCheckpointAsync(CheckpointRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _checkpoints.SaveAsync(request.InstanceId, request.Checkpoint, cancellationToken);
    }

    /// <summary>
    /// <see cref="TaskNames.TerminateInstance"/>: terminates a child instance, recording the end of its run when it had
    /// not ended; one that already ended is logged, not failed.
    /// </summary>
    public async Task TerminateInstanceAsync(TerminateRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            var instance = await client.GetInstanceAsync(request.InstanceId, getInputsAndOutputs: true, cancellationToken);
            await client.TerminateInstanceAsync(request.InstanceId, request.Reason, cancellationToken);
            if (instance is not null && !DurableStatus.IsFinal(instance.RuntimeStatus))
            {
                await TerminatedRuns.ObserveAsync(instance, _time.GetUtcNow(), _checkpoints, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Terminating a child that already ended is not an error of the parent.
            Log.TerminateFailed(_logger, request.InstanceId, ex);
        }
    }
}
