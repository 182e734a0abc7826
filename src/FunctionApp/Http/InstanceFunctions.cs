using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Engine.Api;
using Serverless.Engine.Hosting;
using Serverless.DurableTask;

namespace Serverless.FunctionApp.Http;

/// <summary>
/// The instance routes of the HTTP API under <c>/api</c>; the Durable Functions extension itself serves
/// <c>/runtime/webhooks/durabletask/...</c> (status, events, terminate, suspend, resume, purge, queries).
/// </summary>
public sealed class InstanceFunctions
{
    private readonly DefinitionRegistry _registry;
    private readonly ICheckpointStore _checkpoints;
    private readonly FunctionAppOptions _options;

    /// <summary>Creates the functions.</summary>
    public InstanceFunctions(DefinitionRegistry registry, ICheckpointStore checkpoints, FunctionAppOptions options)
    {
        _registry = registry;
        _checkpoints = checkpoints;
        _options = options;
    }

    /// <summary>
    /// <c>POST /api/workflows/{name}/instances[?instanceId=&amp;version=]</c>: 202 with the check-status payload;
    /// the same start again answers the same 202, a different one 409.
    /// </summary>
    [Function("StartWorkflow")]
    public async Task<HttpResponseData> StartAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "workflows/{name}/instances")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        string name,
        CancellationToken cancellationToken)
    {
        var instanceId = request.Query["instanceId"];
        if (ApiValidation.CheckWorkflowName(name) is not null)
        {
            // A name no definition can have is simply not registered.
            return await HttpJson.ErrorAsync(request, ApiError.NotFound($"Workflow '{ApiValidation.Shorten(name)}' is not registered."));
        }

        if (ApiValidation.TryParseVersion(request.Query["version"], out var pinned) is { } versionError)
        {
            return await HttpJson.ErrorAsync(request, versionError);
        }

        if (instanceId is not null && ApiValidation.CheckInstanceId(instanceId) is { } idError)
        {
            return await HttpJson.ErrorAsync(request, idError);
        }

        var body = await StartRequests.ReadBodyAsync(request.Body, _options.MaxPayloadBytes, cancellationToken);
        if (body is null)
        {
            return await HttpJson.ErrorAsync(request, ApiError.TooLarge(_options.MaxPayloadBytes));
        }

        if (ApiValidation.TryParseJsonBody(body, out var input) is { } jsonError)
        {
            return await HttpJson.ErrorAsync(request, jsonError);
        }

        var workflow = await _registry.ResolveAsync(name, pinned, cancellationToken);
        if (workflow is null)
        {
            return await HttpJson.ErrorAsync(request, ApiError.NotFound(pinned is { } v
                ? $"Workflow '{name}' has no version {v}."
                : $"Workflow '{name}' is not registered."));
        }

        var id = instanceId ?? $"{name}-{Guid.NewGuid():N}";
        var version = workflow.Version;
        var existing = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        if (existing is not null)
        {
            // Idempotent by instance id in any state until purged: the same start answers the same 202.
            return StartRequests.IsSameStart(existing.SerializedInput, name, version, input)
                ? await client.CreateCheckStatusResponseAsync(request, id, cancellationToken)
                : await HttpJson.ErrorAsync(request, ApiError.Conflict(
                    $"Instance '{ApiValidation.Shorten(id)}' exists with a different workflow, version or input."));
        }

        await client.ScheduleNewOrchestrationInstanceAsync(
            TaskNames.Orchestrator, new OrchestrationInput(name, version, input), new StartOrchestrationOptions(id), cancellationToken);
        return await client.CreateCheckStatusResponseAsync(request, id, cancellationToken);
    }

    /// <summary><c>GET /api/instances/{id}/nodes</c>: per-node detail from the latest checkpoint, paged.</summary>
    [Function("ListInstanceNodes")]
    public async Task<HttpResponseData> NodesAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "instances/{id}/nodes")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken)
    {
        if (NodeDetails.TryParsePaging(request.Query["top"], request.Query["continuationToken"], out var size, out var after) is { } error)
        {
            return await HttpJson.ErrorAsync(request, error);
        }

        if (await client.GetInstanceAsync(id, getInputsAndOutputs: false, cancellationToken) is null)
        {
            return await HttpJson.ErrorAsync(request, ApiError.NotFound($"Instance '{ApiValidation.Shorten(id)}' does not exist."));
        }

        // Node detail comes from the orchestration's latest checkpoint (every few completions and at the end).
        var checkpoint = await _checkpoints.LoadAsync(id, cancellationToken);
        var page = checkpoint is null ? new NodeDetailsPage(new JsonArray(), null) : NodeDetails.List(checkpoint.ReadState(), size, after);
        return await HttpJson.JsonAsync(request, HttpStatusCode.OK, new JsonObject
        {
            ["nodes"] = page.Items,
            ["continuationToken"] = page.ContinuationToken,
        });
    }

    /// <summary><c>POST /api/instances/{id}/rerun</c>: reruns a Failed instance from its final state.</summary>
    [Function("RerunInstance")]
    public async Task<HttpResponseData> RerunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "instances/{id}/rerun")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken)
    {
        var existing = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        if (existing is null)
        {
            return await HttpJson.ErrorAsync(request, ApiError.NotFound($"Instance '{ApiValidation.Shorten(id)}' does not exist."));
        }

        if (existing.RuntimeStatus != OrchestrationRuntimeStatus.Failed)
        {
            return await HttpJson.ErrorAsync(request, ApiError.Conflict(
                $"Instance '{ApiValidation.Shorten(id)}' is {existing.RuntimeStatus}; only a Failed instance can be rerun."));
        }

        var checkpoint = await _checkpoints.LoadAsync(id, cancellationToken);
        var original = StartRequests.ReadInput(existing.SerializedInput);
        if (checkpoint is null || original is null)
        {
            return await HttpJson.ErrorAsync(request, ApiError.Conflict(
                $"Instance '{ApiValidation.Shorten(id)}' has no recorded final state to rerun from."));
        }

        // A new execution under the same id (host.json: overridableExistingInstanceStates = NonRunningStates) that
        // starts from the failed state and hands the decider RerunRequested first.
        await client.ScheduleNewOrchestrationInstanceAsync(
            TaskNames.Orchestrator,
            original with { Continuation = checkpoint.ForRerun() },
            new StartOrchestrationOptions(id),
            cancellationToken);
        return request.CreateResponse(HttpStatusCode.Accepted);
    }
}
