using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Serverless.DurableTask.Http;
using Serverless.Engine.Registry;
using Serverless.Engine.Replay;
using Serverless.HttpApi;

namespace Serverless.FunctionApp.Http;

/// <summary>
/// The instance routes of the HTTP API under <c>/api</c>: bindings of the shared handlers (src/HttpApi) over a
/// <see cref="DurableInstanceBackend"/> for the binding's client. The Durable Functions extension itself serves
/// <c>/runtime/webhooks/durabletask/...</c> (status, events, terminate, suspend, resume, purge, queries) behind the
/// system key; the <c>/api/instances</c> aliases here answer the same requests behind the function key, through the
/// handlers the standalone host maps on both its prefixes.
/// </summary>
internal sealed class InstanceFunctions
{
    private readonly DefinitionRegistry _registry;
    private readonly ICheckpointStore _checkpoints;
    private readonly WorkflowApiOptions _options;

    /// <summary>Creates the functions.</summary>
    public InstanceFunctions(DefinitionRegistry registry, ICheckpointStore checkpoints, WorkflowApiOptions options)
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
    public async Task<IResult> StartAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "workflows/{name}/instances")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        FunctionContext context,
        string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The extension builds the payload only from its own HttpRequestData (1.21.1 has no HttpRequest overload); with
        // ASP.NET Core integration that is a view of this same request. Its URLs are rooted at the request's authority
        // and carry the binding's taskHub, connection and system key, which only the binding's client knows.
        var requestData = await context.GetHttpRequestDataAsync()
            ?? throw new InvalidOperationException("StartWorkflow runs only as an HTTP-triggered function.");
        var backend = new DurableInstanceBackend(client, _checkpoints, (_, id) => CheckStatus(client.CreateHttpManagementPayload(id, requestData)));
        return await InstanceHandlers.StartAsync(name, request, _registry, backend, _options, cancellationToken);
    }

    /// <summary><c>GET /api/instances/{id}/nodes</c>: per-node detail from the latest checkpoint, paged.</summary>
    [Function("ListInstanceNodes")]
    public Task<IResult> NodesAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "instances/{id}/nodes")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken)
        => InstanceHandlers.NodesAsync(id, request, Backend(client), cancellationToken);

    /// <summary><c>POST /api/instances/{id}/rerun</c>: reruns a Failed instance from its final state.</summary>
    [Function("RerunInstance")]
    public Task<IResult> RerunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "instances/{id}/rerun")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken)
        => InstanceHandlers.RerunAsync(id, new DurableInstanceBackend(client, _checkpoints), cancellationToken);

    /// <summary>
    /// <c>GET /api/instances[?runtimeStatus=&amp;createdTimeFrom=&amp;createdTimeTo=&amp;instanceIdPrefix=&amp;top=]</c>: one
    /// page of status objects, <c>x-ms-continuation-token</c> both ways.
    /// </summary>
    [Function("ListInstances")]
    public Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "instances")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
        => InstanceHandlers.ListAsync(request, Backend(client), cancellationToken);

    /// <summary><c>GET /api/instances/{id}</c>: the status object; 202 with <c>Location</c> (this URL) and <c>Retry-After</c> until final.</summary>
    [Function("GetInstanceStatus")]
    public Task<IResult> StatusAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "instances/{id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken)
        => InstanceHandlers.StatusAsync(id, request, Backend(client), _options, statusUri: null, cancellationToken);

    /// <summary><c>POST /api/instances/{id}/raiseEvent/{eventName}</c>: raises an event (202, 404, 410).</summary>
    [Function("RaiseInstanceEvent")]
    public Task<IResult> RaiseEventAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "instances/{id}/raiseEvent/{eventName}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id,
        string eventName,
        CancellationToken cancellationToken)
        => InstanceHandlers.RaiseEventAsync(id, eventName, request, Backend(client), _options, cancellationToken);

    /// <summary><c>POST /api/instances/{id}/terminate[?reason=]</c>: terminates the instance, not its children (202, 404, 410).</summary>
    [Function("TerminateInstance")]
    public Task<IResult> TerminateAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "instances/{id}/terminate")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken)
        => InstanceHandlers.TerminateAsync(id, request, Backend(client), cancellationToken);

    /// <summary><c>POST /api/instances/{id}/suspend[?reason=]</c> (202, 404, 410).</summary>
    [Function("SuspendInstance")]
    public Task<IResult> SuspendAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "instances/{id}/suspend")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken)
        => InstanceHandlers.SuspendAsync(id, request, Backend(client), cancellationToken);

    /// <summary><c>POST /api/instances/{id}/resume[?reason=]</c> (202, 404, 410).</summary>
    [Function("ResumeInstance")]
    public Task<IResult> ResumeAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "instances/{id}/resume")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken)
        => InstanceHandlers.ResumeAsync(id, request, Backend(client), cancellationToken);

    /// <summary><c>DELETE /api/instances/{id}</c>: purges a final instance and its checkpoint (200, 404, 409 while not final).</summary>
    [Function("PurgeInstance")]
    public Task<IResult> PurgeAsync(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "instances/{id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken)
        => InstanceHandlers.PurgeAsync(id, Backend(client), cancellationToken);

    private DurableInstanceBackend Backend(DurableTaskClient client) => new(client, _checkpoints, registry: _registry);

    /// <summary>The extension's payload as the API writes it: every URI it sets, under Durable's own names.</summary>
    private static CheckStatusResponse CheckStatus(HttpManagementPayload payload)
    {
        var json = new JsonObject { ["id"] = payload.Id };
        foreach (var (name, uri) in new[]
        {
            ("statusQueryGetUri", payload.StatusQueryGetUri),
            ("sendEventPostUri", payload.SendEventPostUri),
            ("terminatePostUri", payload.TerminatePostUri),
            ("purgeHistoryDeleteUri", payload.PurgeHistoryDeleteUri),
            ("suspendPostUri", payload.SuspendPostUri),
            ("resumePostUri", payload.ResumePostUri),
            ("rewindPostUri", payload.RewindPostUri),
            ("restartPostUri", payload.RestartPostUri),
        })
        {
            if (uri is not null)
            {
                json[name] = uri;
            }
        }

        return new CheckStatusResponse(json, payload.StatusQueryGetUri ?? string.Empty);
    }
}
