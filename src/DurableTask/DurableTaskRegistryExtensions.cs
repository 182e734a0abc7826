using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Engine.Registry;
using Serverless.Engine.Replay;

namespace Serverless.DurableTask;

/// <summary>
/// Registers the workflow orchestration and its activities with a plain durabletask-dotnet worker (the Functions app
/// binds them as functions instead). Activities are created from the worker's services: register
/// <see cref="WorkflowActivities"/> and a <see cref="DurableTaskClient"/> there. The orchestration takes the host's one
/// <see cref="WorkflowCompiler"/> here (durabletask-dotnet creates orchestrators without services).
/// </summary>
internal static class DurableTaskRegistryExtensions
{
    /// <summary>Adds the orchestration (<see cref="TaskNames.Orchestrator"/>) and every activity of <see cref="TaskNames"/>.</summary>
    public static DurableTaskRegistry AddWorkflowTasks(this DurableTaskRegistry registry, WorkflowCompiler compiler, OrchestrationDriverOptions options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(compiler);
        ArgumentNullException.ThrowIfNull(options);
        registry.AddOrchestrator(TaskNames.Orchestrator, () => new Orchestrator(compiler, options));
        registry.AddActivity(TaskNames.RunNode, typeof(RunNodeActivity));
        registry.AddActivity(TaskNames.LoadDefinition, typeof(LoadDefinitionActivity));
        registry.AddActivity(TaskNames.ResolveVersion, typeof(ResolveVersionActivity));
        registry.AddActivity(TaskNames.SaveCheckpoint, typeof(SaveCheckpointActivity));
        registry.AddActivity(TaskNames.TerminateInstance, typeof(TerminateInstanceActivity));
        return registry;
    }

    // The worker creates the activities through ActivatorUtilities with its services; their bodies live in WorkflowActivities.
    private sealed class Orchestrator(WorkflowCompiler compiler, OrchestrationDriverOptions options) : TaskOrchestrator<OrchestrationInput, JsonElement?>
    {
        public override Task<JsonElement?> RunAsync(TaskOrchestrationContext context, OrchestrationInput input)
            => WorkflowOrchestration.RunAsync(context, compiler, options);
    }

    private sealed class RunNodeActivity(WorkflowActivities activities) : TaskActivity<NodeActivityRequest, NodeResult>
    {
        public override Task<NodeResult> RunAsync(TaskActivityContext context, NodeActivityRequest input)
            => activities.RunNodeAsync(input, CancellationToken.None);
    }

    private sealed class LoadDefinitionActivity(WorkflowActivities activities) : TaskActivity<DefinitionRequest, DefinitionSnapshot?>
    {
        public override Task<DefinitionSnapshot?> RunAsync(TaskActivityContext context, DefinitionRequest input)
            => activities.LoadDefinitionAsync(input, CancellationToken.None);
    }

    private sealed class ResolveVersionActivity(WorkflowActivities activities) : TaskActivity<DefinitionRequest, int?>
    {
        public override Task<int?> RunAsync(TaskActivityContext context, DefinitionRequest input)
            => activities.ResolveVersionAsync(input, CancellationToken.None);
    }

    private sealed class SaveCheckpointActivity(WorkflowActivities activities) : TaskActivity<CheckpointRequest, bool>
    {
        public override async Task<bool> RunAsync(TaskActivityContext context, CheckpointRequest input)
        {
            await activities.SaveCheckpointAsync(input, CancellationToken.None);
            return true;
        }
    }

    private sealed class TerminateInstanceActivity(WorkflowActivities activities, DurableTaskClient client) : TaskActivity<TerminateRequest, bool>
    {
        public override async Task<bool> RunAsync(TaskActivityContext context, TerminateRequest input)
        {
            await activities.TerminateInstanceAsync(input, client, CancellationToken.None);
            return true;
        }
    }
}
