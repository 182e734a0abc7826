using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Serverless.DurableTask.Http;
using Serverless.Engine.Api;
using Serverless.Engine.Hosting;
using Serverless.HttpApi;

namespace Serverless.FunctionApp.Http;

/// <summary>
/// The instance routes of the HTTP API under <c>/api</c>: bindings of the shared handlers (src/HttpApi) over a
/// <see cref="DurableInstanceBackend"/> for the binding's client. The Durable Functions extension itself serves
/// <c>/runtime/webhooks/durabletask/...</c> (status, events, terminate, suspend, resume, purge, queries).
/// </summary>
public sealed class InstanceFunctions
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
        => InstanceHandlers.NodesAsync(id, request, new DurableInstanceBackend(client, _checkpoints, registry: _registry), cancellationToken);

    /// <summary><c>POST /api/instances/{id}/rerun</c>: reruns a Failed instance from its final state.</summary>
    [Function("RerunInstance")]
    public Task<IResult> RerunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "instances/{id}/rerun")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken)
        => InstanceHandlers.RerunAsync(id, new DurableInstanceBackend(client, _checkpoints), cancellationToken);

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
