using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Engine.Api;
using Serverless.Engine.Registry;
using Serverless.Engine.Telemetry;

namespace Serverless.HttpApi;

/// <summary>
/// The instance routes both hosts share, over an <see cref="IInstanceBackend"/>: start, per-node detail and rerun here;
/// status, list, events, terminate, suspend, resume and purge in <c>InstanceHandlers.Durable.cs</c>.
/// </summary>
internal static partial class InstanceHandlers
{
    /// <summary>
    /// <c>POST /api/workflows/{name}/instances[?instanceId=&amp;version=]</c>: 202 with the check-status payload and
    /// <c>Location</c>. Checked in this order, and nothing is started unless every check passes: a control character in
    /// the workflow name (400), workflow name (404), version (400), instance id (400), body charset (415), body size
    /// (413), JSON (400), workflow resolution (404), then the instance id's existing start (202 when the same, 409 when
    /// different).
    /// </summary>
    public static async Task<IResult> StartAsync(
        string name, HttpRequest request, DefinitionRegistry registry, IInstanceBackend backend, WorkflowApiOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(options);
        if (ApiValidation.CheckRouteValue(name, "name") is { } routeError)
        {
            return ApiResults.Error(routeError);
        }

        if (ApiValidation.CheckWorkflowName(name) is not null)
        {
            return ApiResults.Error(DefinitionHandlers.NotRegistered(name));
        }

        if (ApiValidation.TryParseVersion(RequestBodies.Query(request, "version"), out var pinned) is { } versionError)
        {
            return ApiResults.Error(versionError);
        }

        var instanceId = RequestBodies.Query(request, "instanceId");
        if (instanceId is not null && ApiValidation.CheckInstanceId(instanceId) is { } idError)
        {
            return ApiResults.Error(idError);
        }

        var body = await RequestBodies.ReadJsonAsync(request, options.MaxPayloadBytes, cancellationToken);
        if (body.Error is { } bodyError)
        {
            return ApiResults.Error(bodyError);
        }

        var input = body.Value;

        var workflow = await registry.ResolveAsync(name, pinned, cancellationToken);
        if (workflow is null)
        {
            return ApiResults.Error(pinned is { } v
                ? ApiError.NotFound($"Workflow '{name}' has no version {v}.")
                : DefinitionHandlers.NotRegistered(name));
        }

        var id = instanceId ?? $"{name}-{Guid.NewGuid():N}";
        using var span = RequestSpans.Start($"start {workflow.Name}", request, Spans.InstanceTags(workflow.Name, workflow.Version, id));
        var trace = InstanceTrace.Under(span?.Context ?? RequestSpans.CallerContext(request)) with
        {
            RecordPayloads = request.HttpContext.RequestServices.GetService<IOptions<TraceOptions>>()?.Value.RecordPayloads == true,
        };
        if (await backend.StartAsync(workflow, id, input, trace, cancellationToken) is { } conflict)
        {
            RequestSpans.Refused(span, StatusCodes.Status409Conflict);
            var taken = conflict.Workflow is null ? "a different workflow"
                : !string.Equals(conflict.Workflow, workflow.Name, StringComparison.Ordinal) ? $"workflow '{conflict.Workflow}'"
                : conflict.Version != workflow.Version ? $"version {conflict.Version}"
                : "a different input";
            return ApiResults.Error(ApiError.Conflict($"Instance '{id}' already exists with {taken}; purge it first or choose another id."));
        }

        var checkStatus = backend.CreateCheckStatus(request, id);
        return ApiResults.Json(StatusCodes.Status202Accepted, checkStatus.Payload, response => response.Headers.Location = checkStatus.Location);
    }

    /// <summary>
    /// <c>GET /api/instances/{id}/nodes[?top=&amp;continuationToken=]</c>: <c>{nodes, continuationToken}</c>, every node
    /// and body iteration in ordinal path order; 400 for bad paging, 404 unknown.
    /// </summary>
    public static async Task<IResult> NodesAsync(string id, HttpRequest request, IInstanceBackend backend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(backend);
        if (ApiValidation.CheckRouteValue(id, "id") is { } routeError)
        {
            return ApiResults.Error(routeError);
        }

        if (NodeDetails.TryParsePaging(RequestBodies.Query(request, "top"), RequestBodies.Query(request, "continuationToken"), out var size, out var after) is { } error)
        {
            return ApiResults.Error(error);
        }

        var lookup = ApiValidation.IsPossibleInstanceId(id) ? await backend.GetNodeStateAsync(id, cancellationToken) : NodeStateLookup.NotFound;
        if (!lookup.Found)
        {
            return ApiResults.Error(ApiError.NotFound($"Instance '{ApiValidation.Shorten(id)}' does not exist."));
        }

        var page = lookup.State is { } state ? NodeDetails.List(state, size, after, lookup.Plan) : new NodeDetailsPage([], null);
        return ApiResults.Json(StatusCodes.Status200OK, new JsonObject { ["nodes"] = page.Items, ["continuationToken"] = page.ContinuationToken });
    }

    /// <summary><c>POST /api/instances/{id}/rerun</c>: 202; 404 unknown; 409 when the instance is not Failed.</summary>
    public static async Task<IResult> RerunAsync(string id, IInstanceBackend backend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (ApiValidation.CheckRouteValue(id, "id") is { } routeError)
        {
            return ApiResults.Error(routeError);
        }

        var result = ApiValidation.IsPossibleInstanceId(id) ? await backend.RerunAsync(id, cancellationToken) : RerunResult.NotFound;
        return result.Outcome switch
        {
            RerunOutcome.Accepted => ApiResults.Accepted(),
            RerunOutcome.NotFound => ApiResults.Error(ApiError.NotFound($"Instance '{id}' does not exist.")),
            RerunOutcome.NotFailed => ApiResults.Error(ApiError.Conflict($"Instance '{id}' is {result.Status}; only a Failed instance can be rerun.")),
            _ => ApiResults.Error(ApiError.Conflict($"Instance '{id}' has no recorded final state to rerun from.")),
        };
    }
}
