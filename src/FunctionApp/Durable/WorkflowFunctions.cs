using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.DurableTask;
using Serverless.Engine.Registry;
using Serverless.Engine.Replay;

namespace Serverless.FunctionApp.Durable;

/// <summary>
/// The orchestrator and activity functions: Azure Functions bindings of <see cref="WorkflowOrchestration"/> and
/// <see cref="WorkflowActivities"/> (src/DurableTask), under the names of <see cref="TaskNames"/>.
/// </summary>
internal sealed class WorkflowFunctions
{
    private readonly WorkflowCompiler _compiler;
    private readonly OrchestrationDriverOptions _options;
    private readonly WorkflowActivities _activities;

    /// <summary>Creates the functions over the app's services.</summary>
    public WorkflowFunctions(WorkflowCompiler compiler, OrchestrationDriverOptions options, WorkflowActivities activities)
    {
        _compiler = compiler;
        _options = options;
        _activities = activities;
    }

    /// <summary>The one orchestrator; every workflow instance and child runs it.</summary>
    [Function(TaskNames.Orchestrator)]
    public Task<JsonElement?> RunOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
        => WorkflowOrchestration.RunAsync(context, _compiler, _options);

    /// <summary>Runs one attempt of node work.</summary>
    [Function(TaskNames.RunNode)]
    public Task<NodeResult> RunNodeAsync([ActivityTrigger] NodeActivityRequest request, CancellationToken cancellationToken)
        => _activities.RunNodeAsync(request, cancellationToken);

    /// <summary>Loads a registered definition.</summary>
    [Function(TaskNames.LoadDefinition)]
    public Task<DefinitionSnapshot?> LoadDefinitionAsync([ActivityTrigger] DefinitionRequest request, CancellationToken cancellationToken)
        => _activities.LoadDefinitionAsync(request, cancellationToken);

    /// <summary>Resolves a workflow's latest version; null when it is not registered.</summary>
    [Function(TaskNames.ResolveVersion)]
    public Task<int?> ResolveVersionAsync([ActivityTrigger] DefinitionRequest request, CancellationToken cancellationToken)
        => _activities.ResolveVersionAsync(request, cancellationToken);

    /// <summary>Saves a checkpoint of an orchestration.</summary>
    [Function(TaskNames.SaveCheckpoint)]
    public Task SaveCheckpointAsync([ActivityTrigger] CheckpointRequest request, CancellationToken cancellationToken)
        => _activities.SaveCheckpointAsync(request, cancellationToken);

    /// <summary>Terminates a child instance; one that already ended is logged, not failed.</summary>
    [Function(TaskNames.TerminateInstance)]
    public Task TerminateInstanceAsync(
        [ActivityTrigger] TerminateRequest request, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
        => _activities.TerminateInstanceAsync(request, client, cancellationToken);
}
