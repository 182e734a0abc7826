using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.DurableTask;
using Serverless.DurableTask.Http;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Engine.Replay;
using Serverless.HttpApi;
using Serverless.Testing;

namespace Serverless.Conformance.Tests.Runners;

/// <summary>
/// The durable adapter (src/DurableTask) on the real Durable Task engine with the Azure Storage provider on Azurite,
/// through durabletask's gRPC sidecar, as Durable Functions runs it (<see cref="WorkflowTaskHub"/>). Instances are
/// managed with the durabletask client, node detail comes from the orchestration's final checkpoint, and reruns go
/// through <see cref="DurableInstanceBackend"/> as the Functions app's rerun route does.
/// </summary>
/// <remarks>
/// Normalisation (http-api.md, "Status fields on both hosts"): Durable reports the orchestrator's name, so the
/// workflow is read from <c>customStatus.workflow</c>; a Failed instance's output is Durable's failure text
/// <c>type: message</c>, so the error object comes from <c>customStatus.error</c>, checked against
/// <see cref="FailureText.Parse"/> of that text; a Terminated instance's output is the terminate reason (the
/// extension's terminate route passes it as the output), read as the message of a <c>Terminated</c> error.
/// </remarks>
internal sealed class DurableTaskRunner : IWorkflowRunner
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private readonly WorkflowTaskHub _hub;
    private readonly DurableInstanceBackend _backend;

    private DurableTaskRunner(WorkflowTaskHub hub, ScriptedActivities activities)
    {
        _hub = hub;
        _backend = new DurableInstanceBackend(hub.Client, hub.Checkpoints, registry: hub.Registry);
        Activities = activities;
    }

    /// <inheritdoc/>
    public string Name => "DurableTask";

    /// <inheritdoc/>
    public ScriptedActivities Activities { get; }

    /// <summary>The task hub (for checks only this runner can make, such as the checkpoint's generation).</summary>
    public WorkflowTaskHub Hub => _hub;

    /// <summary>Starts the task hub <paramref name="taskHub"/> with <paramref name="options"/>.</summary>
    public static async Task<DurableTaskRunner> StartAsync(string connectionString, string taskHub, OrchestrationDriverOptions options, CancellationToken cancellationToken)
    {
        var activities = new ScriptedActivities();
        var hub = await WorkflowTaskHub.StartAsync(connectionString, taskHub, activities, new WorkflowTaskHubOptions
        {
            Orchestration = options,
            Sidecar = new DurableTaskSidecarOptions { DeleteTaskHubOnDispose = true, LoggerFactory = TestLogging.FromEnvironment() },
        }, cancellationToken);
        return new DurableTaskRunner(hub, activities);
    }

    /// <inheritdoc/>
    public Task RegisterAsync(string definitionJson, CancellationToken cancellationToken) => _hub.RegisterAsync(definitionJson, cancellationToken);

    /// <inheritdoc/>
    public Task StartAsync(string workflow, string instanceId, JsonElement input, CancellationToken cancellationToken)
        => _hub.StartAsync(workflow, instanceId, input, cancellationToken);

    /// <inheritdoc/>
    public Task RaiseEventAsync(string instanceId, string name, JsonElement payload, CancellationToken cancellationToken)
        => _hub.Client.RaiseEventAsync(instanceId, name, payload, cancellationToken);

    /// <inheritdoc/>
    public Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken)
        => _hub.Client.TerminateInstanceAsync(instanceId, reason, cancellationToken);

    /// <inheritdoc/>
    public Task SuspendAsync(string instanceId, CancellationToken cancellationToken)
        => _hub.Client.SuspendInstanceAsync(instanceId, "conformance", cancellationToken);

    /// <inheritdoc/>
    public Task ResumeAsync(string instanceId, CancellationToken cancellationToken)
        => _hub.Client.ResumeInstanceAsync(instanceId, "conformance", cancellationToken);

    /// <inheritdoc/>
    public async Task RerunAsync(string instanceId, CancellationToken cancellationToken)
    {
        var result = await _backend.RerunAsync(instanceId, cancellationToken);
        Assert.True(result.Outcome == RerunOutcome.Accepted, $"rerun of {instanceId}: {result}");
    }

    /// <inheritdoc/>
    public async Task<InstanceProgress?> GetProgressAsync(string instanceId, CancellationToken cancellationToken)
    {
        var meta = await _hub.Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (meta is null)
        {
            return null;
        }

        var running = (Json.Node(meta.SerializedCustomStatus) as JsonObject)?["running"] as JsonArray;
        return new InstanceProgress(StatusName(meta.RuntimeStatus), running is null ? [] : [.. running.Select(p => p!.GetValue<string>())]);
    }

    /// <inheritdoc/>
    public async Task WaitForFinalAsync(string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            await _hub.Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested)
        {
            var last = await _hub.Client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, CancellationToken.None);
            throw new TimeoutException($"{Name}: timed out waiting for {instanceId} to end; it is {last?.RuntimeStatus}", ex);
        }
    }

    /// <inheritdoc/>
    public async Task<InstanceResult> ReadAsync(string instanceId, CancellationToken cancellationToken)
    {
        var meta = await _hub.Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken)
            ?? throw new InvalidOperationException($"{instanceId} does not exist.");
        var custom = Json.Node(meta.SerializedCustomStatus) as JsonObject;

        // Durable's status name is the orchestrator's; the workflow is in the custom status (as on both hosts).
        Assert.Equal(TaskNames.Orchestrator, meta.Name);
        var status = StatusName(meta.RuntimeStatus);
        // Node detail as the Functions app's nodes route reads it (a terminated instance's running nodes: cancelled).
        var state = (await _backend.GetNodeStateAsync(instanceId, cancellationToken)).State;
        return new InstanceResult(
            status,
            custom?["workflow"]?.GetValue<string>(),
            status == "Completed" ? Json.Node(meta.SerializedOutput) : null,
            status switch
            {
                "Failed" => FailedError(meta, custom),
                "Terminated" => StatusBuilder.ErrorToJson(new Engine.WorkflowError(
                    Engine.ErrorTypes.Terminated, JsonSerializer.Deserialize<string>(meta.SerializedOutput ?? "null") ?? string.Empty)),
                _ => null,
            },
            state is null ? [] : EngineTestHostRunner.ListNodes(state));
    }

    /// <inheritdoc/>
    public Task PauseAsync(CancellationToken cancellationToken) => Task.Delay(PollInterval, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// A newer engine's state reaches this engine as a continuation: the orchestration input of a ContinueAsNew (or of
    /// a rerun) carries the serialized state. The instance is started with such an input; the driver must refuse it
    /// (the instance fails naming the version) without running a node.
    /// </remarks>
    public async Task<Refusal?> PlantNewerSemanticsAsync(string workflow, string instanceId, JsonElement input, CancellationToken cancellationToken)
    {
        var plan = await _hub.Registry.ResolveAsync(workflow, null, cancellationToken)
            ?? throw new InvalidOperationException($"Workflow '{workflow}' is not registered.");
        var now = TimeProvider.System.GetUtcNow();
        var state = Decider.Create(plan, instanceId, input, now) with
        {
            Semantics = Decider.SemanticsVersion + 1,
            Status = InstanceStatus.Running,
            StartedAt = now,
        };
        var continuation = new Continuation(Convert.ToBase64String(StateSerializer.Serialize(state)), 0, [], [], [], 1);
        await _hub.Client.ScheduleNewOrchestrationInstanceAsync(
            TaskNames.Orchestrator, new OrchestrationInput(workflow, plan.Version, input, continuation), new StartOrchestrationOptions(instanceId), cancellationToken);
        var meta = await _hub.Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        return new Refusal($"the instance ended {meta.RuntimeStatus} ({meta.FailureDetails?.ErrorType})", meta.FailureDetails?.ErrorMessage ?? meta.SerializedOutput ?? string.Empty);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    // Durable's names are the API's runtime statuses (ContinuedAsNew is obsolete in the client: it reports Running).
    private static string StatusName(OrchestrationRuntimeStatus status) => status.ToString();

    private static JsonObject FailedError(OrchestrationMetadata meta, JsonObject? custom)
    {
        var text = meta.FailureDetails?.ErrorMessage ?? meta.SerializedOutput;
        var parsed = FailureText.Parse(text);
        if (custom?["error"] is JsonObject error)
        {
            // Both hosts keep the error object in customStatus.error; Durable's failure text must say the same type and message.
            Assert.Equal(parsed.Type, error["type"]?.GetValue<string>());
            Assert.Equal(parsed.Message, error["message"]?.GetValue<string>());
            return (JsonObject)error.DeepClone();
        }

        return StatusBuilder.ErrorToJson(parsed);
    }
}
