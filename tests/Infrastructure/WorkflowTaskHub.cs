using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Serverless.DurableTask;
using Serverless.DurableTask.Storage;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;
using Serverless.Engine.Execution;
using Serverless.Engine.Registry;
using Serverless.Engine.Replay;

namespace Serverless.Testing;

/// <summary>How <see cref="WorkflowTaskHub"/> wires the durable adapter.</summary>
internal sealed record WorkflowTaskHubOptions
{
    /// <summary>The orchestration's history bound, width cap and checkpoint interval.</summary>
    public OrchestrationDriverOptions Orchestration { get; init; } = OrchestrationDriverOptions.Default;

    /// <summary>Limits definitions are registered and run under.</summary>
    public DefinitionLimits DefinitionLimits { get; init; } = DefinitionLimits.Default;

    /// <summary>Limits every instance runs under.</summary>
    public PlanOptions PlanOptions { get; init; } = PlanOptions.Default;

    /// <summary>Tuning of the Durable Task engine behind the sidecar.</summary>
    public DurableTaskSidecarOptions Sidecar { get; init; } = new() { DeleteTaskHubOnDispose = true };
}

/// <summary>
/// The workflow engine's durable adapter (src/DurableTask: the orchestration and its activities, registered as the
/// Functions app binds them) on the real Durable Task engine with the Azure Storage provider on Azurite, through the
/// gRPC sidecar; definitions in memory, checkpoints in a blob container of the same Azurite.
/// </summary>
internal sealed class WorkflowTaskHub : IAsyncDisposable
{
    private readonly DurableTaskSidecarHost _host;

    private WorkflowTaskHub(DurableTaskSidecarHost host)
    {
        _host = host;
        Registry = host.Services.GetRequiredService<DefinitionRegistry>();
        Checkpoints = host.Services.GetRequiredService<ICheckpointStore>();
    }

    /// <summary>The durabletask-dotnet client (gRPC to the sidecar).</summary>
    public DurableTaskClient Client => _host.Client;

    /// <summary>The definition registry (the same compiler as the orchestration's).</summary>
    public DefinitionRegistry Registry { get; }

    /// <summary>The orchestration checkpoints (per-node detail, rerun).</summary>
    public ICheckpointStore Checkpoints { get; }

    /// <summary>The worker's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// Starts the task hub <paramref name="taskHub"/> with <paramref name="executor"/> running node work, definitions in
    /// memory and checkpoints in a blob container of the same storage.
    /// </summary>
    public static async Task<WorkflowTaskHub> StartAsync(
        string connectionString, string taskHub, INodeExecutor executor, WorkflowTaskHubOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new WorkflowTaskHubOptions();
        var container = new BlobContainerClient(connectionString, "checkpoints-" + taskHub.ToLowerInvariant());
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var app = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(new WorkflowCompiler(options.DefinitionLimits, options.PlanOptions))
            .AddSingleton(options.Orchestration)
            .AddSingleton<IDefinitionStore, InMemoryDefinitionStore>()
            .AddSingleton(sp => new DefinitionRegistry(
                sp.GetRequiredService<IDefinitionStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<WorkflowCompiler>()))
            .AddSingleton<IDefinitionSource>(sp => new DefinitionStoreSource(sp.GetRequiredService<IDefinitionStore>()))
            .AddSingleton<ICheckpointStore>(new BlobCheckpointStore(container))
            .AddSingleton(executor)
            .AddSingleton<WorkflowActivities>()
            .BuildServiceProvider();
        return await StartAsync(connectionString, taskHub, app, options.Sidecar, cancellationToken);
    }

    /// <summary>
    /// Starts the task hub <paramref name="taskHub"/> over an application's services (the Functions app's own
    /// registrations, for example): its <see cref="WorkflowCompiler"/>, <see cref="OrchestrationDriverOptions"/>,
    /// <see cref="DefinitionRegistry"/>, <see cref="ICheckpointStore"/> and <see cref="WorkflowActivities"/>.
    /// </summary>
    public static async Task<WorkflowTaskHub> StartAsync(
        string connectionString, string taskHub, IServiceProvider app, DurableTaskSidecarOptions? sidecar = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var compiler = app.GetRequiredService<WorkflowCompiler>();
        var host = await DurableTaskSidecarHost.StartAsync(
            connectionString,
            taskHub,
            registry => registry.AddWorkflowTasks(compiler, app.GetRequiredService<OrchestrationDriverOptions>()),
            services =>
            {
                services.AddSingleton(compiler);
                services.AddSingleton(app.GetRequiredService<DefinitionRegistry>());
                services.AddSingleton(app.GetRequiredService<ICheckpointStore>());
                services.AddSingleton(app.GetRequiredService<WorkflowActivities>());
            },
            sidecar ?? new DurableTaskSidecarOptions { DeleteTaskHubOnDispose = true },
            cancellationToken);
        return new WorkflowTaskHub(host);
    }

    /// <summary>Registers a definition; returns its version.</summary>
    public async Task<int> RegisterAsync(string json, CancellationToken cancellationToken)
    {
        var name = JsonDocument.Parse(json).RootElement.GetProperty("name").GetString()!;
        var result = await Registry.RegisterAsync(name, json, cancellationToken);
        return result.Error is null ? result.Version : throw new InvalidOperationException(result.Error.ToJson().ToJsonString());
    }

    /// <summary>Starts an instance of the latest (or a pinned) version, as the start route does.</summary>
    public async Task StartAsync(string workflow, string instanceId, JsonElement input, CancellationToken cancellationToken, int? version = null)
    {
        var plan = await Registry.ResolveAsync(workflow, version, cancellationToken)
            ?? throw new InvalidOperationException($"Workflow '{workflow}' is not registered.");
        await Client.ScheduleNewOrchestrationInstanceAsync(
            TaskNames.Orchestrator, new OrchestrationInput(workflow, plan.Version, input), new StartOrchestrationOptions(instanceId), cancellationToken);
    }

    /// <summary>Waits until the instance is Completed, Failed or Terminated.</summary>
    public Task<OrchestrationMetadata> WaitAsync(string instanceId, CancellationToken cancellationToken)
        => Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cancellationToken);

    /// <summary>The decider state of the newest checkpoint (the final one once the instance ended), or null.</summary>
    public async Task<InstanceState?> StateAsync(string instanceId, CancellationToken cancellationToken)
        => (await Checkpoints.LoadAsync(instanceId, cancellationToken))?.ReadState();

    /// <summary>Stops the worker, the sidecar and the engine, and deletes the task hub.</summary>
    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
