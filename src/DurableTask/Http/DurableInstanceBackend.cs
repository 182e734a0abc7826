using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Engine.Registry;
using Serverless.Engine.Replay;
using Serverless.Engine.Telemetry;
using Serverless.HttpApi;

namespace Serverless.DurableTask.Http;

/// <summary>
/// The shared instance routes' durable calls on durabletask-dotnet: instances are <see cref="TaskNames.Orchestrator"/>
/// orchestrations started, read, listed, signalled and purged through a <see cref="DurableTaskClient"/>; node detail,
/// status history and reruns come from the <see cref="ICheckpointStore"/> the orchestration writes. Works with any
/// client: the Functions binding's or a plain gRPC client connected to a Durable Task sidecar.
/// </summary>
internal sealed class DurableInstanceBackend : IInstanceBackend
{
    private readonly DurableTaskClient _client;
    private readonly ICheckpointStore _checkpoints;
    private readonly Func<HttpRequest, string, CheckStatusResponse>? _checkStatus;
    private readonly DefinitionRegistry? _registry;
    private readonly TimeProvider _time;

    /// <summary>Creates the backend for one client (the Functions binding makes one per invocation).</summary>
    /// <param name="client">The durable client.</param>
    /// <param name="checkpoints">Where the orchestration's checkpoints are.</param>
    /// <param name="checkStatus">
    /// Builds the 202 payload for a request and an instance id; null builds the check-status payload rooted at the
    /// request's base URL without <c>taskHub</c>/<c>connection</c>/<c>code</c> (what the Durable Functions extension
    /// itself builds from a request for a client that is not its binding's).
    /// </param>
    /// <param name="registry">
    /// Resolves an instance's plan: for a terminated instance, so its node detail and custom status show the nodes it
    /// was running as cancelled (Durable terminates without running the orchestration again), for
    /// <c>showHistory</c>, which lists only the nodes the plan says did durable work, and for the child ids of workflow
    /// nodes in node detail. Null shows the last checkpoint as it is, a history of the instance's start and end only,
    /// and node detail without child ids.
    /// </param>
    /// <param name="time">The clock a terminated run's end is read from; the system's when null.</param>
    public DurableInstanceBackend(
        DurableTaskClient client,
        ICheckpointStore checkpoints,
        Func<HttpRequest, string, CheckStatusResponse>? checkStatus = null,
        DefinitionRegistry? registry = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(checkpoints);
        _client = client;
        _checkpoints = checkpoints;
        _checkStatus = checkStatus;
        _registry = registry;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public async Task<StartConflict?> StartAsync(WorkflowPlan workflow, string instanceId, JsonElement input, InstanceTrace trace, CancellationToken cancellationToken)
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

        // A checkpoint left by an earlier instance of this id (purged through the Durable extension's own route, which
        // knows nothing of checkpoints) would outrank the new instance's first checkpoints: it goes first.
        await _checkpoints.DeleteAsync(instanceId, cancellationToken);
        await _client.ScheduleNewOrchestrationInstanceAsync(
            TaskNames.Orchestrator, new OrchestrationInput(workflow.Name, workflow.Version, input) { Trace = trace }, new StartOrchestrationOptions(instanceId), cancellationToken);
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

        var (state, plan) = await LoadStateAsync(instance, withPlan: true, cancellationToken);
        return new NodeStateLookup(true, state, plan);
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

    /// <inheritdoc/>
    public async Task<InstanceStatusAnswer?> GetStatusAsync(string instanceId, StatusQuery show, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(show);
        var instance = await _client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        return instance is null
            ? null
            : new InstanceStatusAnswer(await StatusOfAsync(instance, show, cancellationToken), DurableStatus.IsFinal(instance.RuntimeStatus));
    }

    /// <inheritdoc/>
    /// <remarks>Durable Task offers no change feed to a client: the waiter's reads at an interval see every change.</remarks>
    public Task WaitForChangeAsync(string instanceId, CancellationToken cancellationToken) => Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// Durable's own continuation token is wrapped in a <see cref="ListToken"/> bound to the query, as the standalone
    /// host wraps its table's, so a token is URL-safe and a foreign one is refused. Durable's <c>CreatedTo</c> is
    /// inclusive; instances created exactly then are left out here, so the page may be smaller than <c>top</c>.
    /// </remarks>
    public async Task<InstanceStatusPage?> ListAsync(InstanceQuery query, string? continuationToken, StatusQuery show, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(show);
        var filter = DurableStatus.Filter(query);
        string? position = null;
        if (continuationToken is not null && !ListToken.TryRead(continuationToken, filter, out position))
        {
            return null;
        }

        var durableQuery = new OrchestrationQuery
        {
            CreatedFrom = query.CreatedFrom,
            CreatedTo = query.CreatedTo,
            Statuses = query.Statuses.Count == 0 ? null : DurableStatus.ToDurable(query.Statuses),
            InstanceIdPrefix = query.InstanceIdPrefix,
            PageSize = query.Top,
            FetchInputsAndOutputs = true,
        };
        await foreach (var page in _client.GetAllInstancesAsync(durableQuery).AsPages(position, query.Top).WithCancellation(cancellationToken))
        {
            var items = new List<JsonObject>(page.Values.Count);
            foreach (var instance in page.Values)
            {
                if (query.CreatedTo is { } to && instance.CreatedAt >= to)
                {
                    continue;
                }

                items.Add(await StatusOfAsync(instance, show, cancellationToken));
            }

            var next = string.IsNullOrEmpty(page.ContinuationToken) ? null : ListToken.Write(page.ContinuationToken, filter);
            return new InstanceStatusPage(items, next);
        }

        return new InstanceStatusPage([], null);
    }

    /// <inheritdoc/>
    /// <remarks>Durable Task queues the event for the orchestration; the queue bound is the decider's, so this never answers 429.</remarks>
    public Task<ApiError?> RaiseEventAsync(string instanceId, string eventName, JsonElement payload, CancellationToken cancellationToken)
        => SignalAsync(instanceId, _ => _client.RaiseEventAsync(instanceId, eventName, payload, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    /// <remarks>The orchestration never sees the terminate: the run's end (its span and metrics) is recorded here once it is requested.</remarks>
    public Task<ApiError?> TerminateAsync(string instanceId, string? reason, CancellationToken cancellationToken)
        => SignalAsync(
            instanceId,
            async instance =>
            {
                await _client.TerminateInstanceAsync(instanceId, reason, cancellationToken);
                await TerminatedRuns.ObserveAsync(instance, _time.GetUtcNow(), _checkpoints, cancellationToken);
            },
            cancellationToken,
            withInputs: true);

    /// <inheritdoc/>
    public Task<ApiError?> SuspendAsync(string instanceId, string? reason, CancellationToken cancellationToken)
        => SignalAsync(instanceId, _ => _client.SuspendInstanceAsync(instanceId, reason, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public Task<ApiError?> ResumeAsync(string instanceId, string? reason, CancellationToken cancellationToken)
        => SignalAsync(instanceId, _ => _client.ResumeInstanceAsync(instanceId, reason, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// 409 while the instance is not final, as on the standalone host (terminate it, wait for Terminated, then purge).
    /// The purge deletes Durable's history and state, then the instance's checkpoint, so the id can be used again
    /// with nothing of the old instance left (an old checkpoint would outrank the new instance's first ones).
    /// </remarks>
    public async Task<ApiError?> PurgeAsync(string instanceId, CancellationToken cancellationToken)
    {
        var instance = await _client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (instance is null)
        {
            return InstanceErrors.NotFound(instanceId);
        }

        if (!DurableStatus.IsFinal(instance.RuntimeStatus))
        {
            return InstanceErrors.NotFinal(instanceId, DurableStatus.RuntimeStatusName(instance.RuntimeStatus));
        }

        var purged = await _client.PurgeInstanceAsync(instanceId, cancellationToken);
        if (purged.PurgedInstanceCount == 0)
        {
            // Purged by another request in between.
            return InstanceErrors.NotFound(instanceId);
        }

        await _checkpoints.DeleteAsync(instanceId, cancellationToken);
        return null;
    }

    // 404 unknown and 410 final, as Durable Functions' own routes answer, then the signal.
    // 404 unknown, 410 final; otherwise the signal, given the instance as read (with its input when asked).
    private async Task<ApiError?> SignalAsync(string instanceId, Func<OrchestrationMetadata, Task> signal, CancellationToken cancellationToken, bool withInputs = false)
    {
        var instance = await _client.GetInstanceAsync(instanceId, getInputsAndOutputs: withInputs, cancellationToken);
        if (instance is null)
        {
            return InstanceErrors.NotFound(instanceId);
        }

        if (DurableStatus.IsFinal(instance.RuntimeStatus))
        {
            return InstanceErrors.Final(instanceId);
        }

        await signal(instance);
        return null;
    }

    // The status object: Durable's record, with the checkpoint's node records where they are needed (history, and the
    // custom status of a Terminated instance, which the orchestration never updated after the terminate).
    private async Task<JsonObject> StatusOfAsync(OrchestrationMetadata instance, StatusQuery show, CancellationToken cancellationToken)
    {
        var (state, plan) = show.ShowHistory || instance.RuntimeStatus == OrchestrationRuntimeStatus.Terminated
            ? await LoadStateAsync(instance, withPlan: show.ShowHistory, cancellationToken)
            : (null, null);
        return DurableStatus.Build(instance, state, plan, show);
    }

    /// <summary>
    /// The instance's latest checkpointed state (null when none is recorded yet), and its plan when
    /// <paramref name="withPlan"/> or when the terminate must be applied.
    /// </summary>
    /// <remarks>
    /// Node records come from the orchestration's latest checkpoint (every few completions, whenever it only waits, and
    /// at the end). Durable terminates an orchestration without running it again, so a Terminated instance's last
    /// checkpoint still shows the nodes it was running: the terminate is applied as the decider would have (running
    /// nodes become cancelled), which needs the plan (<see cref="DefinitionRegistry"/>) and the reason (the output).
    /// </remarks>
    private async Task<(InstanceState? State, WorkflowPlan? Plan)> LoadStateAsync(
        OrchestrationMetadata instance, bool withPlan, CancellationToken cancellationToken)
    {
        var state = (await _checkpoints.LoadAsync(instance.InstanceId, cancellationToken))?.ReadState();
        if (state is null)
        {
            return (null, null);
        }

        var terminated = !state.Status.IsFinal && instance.RuntimeStatus == OrchestrationRuntimeStatus.Terminated;
        var plan = withPlan || terminated ? await PlanOfAsync(state, cancellationToken) : null;
        if (terminated && plan is not null)
        {
            // Only here is the output (the terminate reason) read when the caller did not, so other node listings never
            // load inputs and outputs.
            var output = instance.SerializedOutput
                ?? (await _client.GetInstanceAsync(instance.InstanceId, getInputsAndOutputs: true, cancellationToken))?.SerializedOutput;
            state = Decider.Decide(plan, state, new TerminateRequested("durable-terminate", ReadReason(output)), instance.LastUpdatedAt).State;
        }

        return (state, plan);
    }

    private async Task<WorkflowPlan?> PlanOfAsync(InstanceState state, CancellationToken cancellationToken)
        => _registry is null ? null : await _registry.ResolveAsync(state.Workflow, state.Version, cancellationToken);

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
