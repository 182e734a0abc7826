using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Engine.Hosting;
using Serverless.HttpApi;

namespace Serverless.DurableTask.Http;

/// <summary>
/// The shared instance routes' durable calls on durabletask-dotnet: instances are <see cref="TaskNames.Orchestrator"/>
/// orchestrations started through a <see cref="DurableTaskClient"/>, node detail and reruns come from the
/// <see cref="ICheckpointStore"/> the orchestration writes. Works with any client: the Functions binding's or a plain
/// gRPC client connected to a Durable Task sidecar.
/// </summary>
public sealed class DurableInstanceBackend : IInstanceBackend
{
    private readonly DurableTaskClient _client;
    private readonly ICheckpointStore _checkpoints;
    private readonly Func<HttpRequest, string, CheckStatusResponse>? _checkStatus;
    private readonly DefinitionRegistry? _registry;

    /// <summary>Creates the backend for one client (the Functions binding makes one per invocation).</summary>
    /// <param name="client">The durable client.</param>
    /// <param name="checkpoints">Where the orchestration's checkpoints are.</param>
    /// <param name="checkStatus">
    /// Builds the 202 payload for a request and an instance id; null builds the check-status payload rooted at the
    /// request's base URL without <c>taskHub</c>/<c>connection</c>/<c>code</c> (what the Durable Functions extension
    /// itself builds from a request for a client that is not its binding's).
    /// </param>
    /// <param name="registry">
    /// Resolves a terminated instance's plan, so its node detail shows the nodes it was running as cancelled (Durable
    /// terminates without running the orchestration again); null shows its last checkpoint as it is.
    /// </param>
    public DurableInstanceBackend(
        DurableTaskClient client, ICheckpointStore checkpoints, Func<HttpRequest, string, CheckStatusResponse>? checkStatus = null, DefinitionRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(checkpoints);
        _client = client;
        _checkpoints = checkpoints;
        _checkStatus = checkStatus;
        _registry = registry;
    }

    /// <inheritdoc/>
    public async Task<StartConflict?> StartAsync(WorkflowPlan workflow, string instanceId, JsonElement input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var existing = await _client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (existing is not null)
        {
            // Idempotent by instance id in any state until purged: the same start is the same instance.
            if (StartRequests.IsSameStart(existing.SerializedInput, workflow.Name, workflow.Version, input))
            {
                return null;
            }

            var start = StartRequests.ReadInput(existing.SerializedInput);
            return new StartConflict(start?.Workflow, start?.Version);
        }

        await _client.ScheduleNewOrchestrationInstanceAsync(
            TaskNames.Orchestrator, new OrchestrationInput(workflow.Name, workflow.Version, input), new StartOrchestrationOptions(instanceId), cancellationToken);
        return null;
    }

    /// <inheritdoc/>
    public async Task<NodeStateLookup> GetNodeStateAsync(string instanceId, CancellationToken cancellationToken)
    {
        var instance = await _client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (instance is null)
        {
            return NodeStateLookup.NotFound;
        }

        // Node detail comes from the orchestration's latest checkpoint (every few completions, whenever it only waits,
        // and at the end).
        var state = (await _checkpoints.LoadAsync(instanceId, cancellationToken))?.ReadState();
        if (state is not null && !StatusBuilder.IsFinal(state.Status)
            && instance.RuntimeStatus == OrchestrationRuntimeStatus.Terminated && _registry is not null
            && await _registry.ResolveAsync(state.Workflow, state.Version, cancellationToken) is { } plan)
        {
            // Durable terminates an orchestration without running it again, so its last checkpoint still shows the nodes
            // it was running. Apply the terminate the decider would have: running nodes become cancelled. Only here is
            // the output (the terminate reason) read, so other node listings never load inputs and outputs.
            var terminated = await _client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
            var reason = ReadReason(terminated?.SerializedOutput);
            state = Decider.Decide(plan, state, new TerminateRequested("durable-terminate", reason), instance.LastUpdatedAt).State;
        }

        return new NodeStateLookup(true, state);
    }

    /// <inheritdoc/>
    public async Task<RerunResult> RerunAsync(string instanceId, CancellationToken cancellationToken)
    {
        var existing = await _client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (existing is null)
        {
            return RerunResult.NotFound;
        }

        if (existing.RuntimeStatus != OrchestrationRuntimeStatus.Failed)
        {
            return RerunResult.NotFailed(existing.RuntimeStatus.ToString());
        }

        var checkpoint = await _checkpoints.LoadAsync(instanceId, cancellationToken);
        var original = StartRequests.ReadInput(existing.SerializedInput);
        if (checkpoint is null || original is null)
        {
            return RerunResult.NoFinalState;
        }

        // A new execution under the same id (host.json: overridableExistingInstanceStates = NonRunningStates) that
        // starts from the failed state and hands the decider RerunRequested first.
        await _client.ScheduleNewOrchestrationInstanceAsync(
            TaskNames.Orchestrator, original with { Continuation = checkpoint.ForRerun() }, new StartOrchestrationOptions(instanceId), cancellationToken);
        return RerunResult.Accepted;
    }

    /// <inheritdoc/>
    public CheckStatusResponse CreateCheckStatus(HttpRequest request, string instanceId)
        => _checkStatus?.Invoke(request, instanceId) ?? CheckStatusResponse.FromRequest(request, instanceId);

    // The terminate reason is the instance's output: a JSON string from the client, plain text from elsewhere.
    private static string? ReadReason(string? output)
    {
        try
        {
            return output is null ? null : JsonSerializer.Deserialize<string?>(output);
        }
        catch (JsonException)
        {
            return output;
        }
    }
}
