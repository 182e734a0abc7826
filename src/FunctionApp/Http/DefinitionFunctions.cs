using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Serverless.Engine.Api;
using Serverless.Engine.Hosting;

namespace Serverless.FunctionApp.Http;

/// <summary>The definition routes of the HTTP API: thin translations to the engine's registry.</summary>
public sealed class DefinitionFunctions
{
    private readonly DefinitionRegistry _registry;

    /// <summary>Creates the functions over the registry.</summary>
    public DefinitionFunctions(DefinitionRegistry registry) => _registry = registry;

    /// <summary><c>PUT /api/workflows/{name}</c>: registers a definition (201 new version, 200 unchanged, 400 invalid).</summary>
    [Function("PutWorkflow")]
    public async Task<HttpResponseData> PutAsync(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "workflows/{name}")] HttpRequestData request,
        string name,
        CancellationToken cancellationToken)
    {
        var body = await StartRequests.ReadBodyAsync(request.Body, _registry.Limits.MaxDocumentBytes, cancellationToken);
        if (body is null)
        {
            return await HttpJson.ErrorAsync(request, ApiError.TooLarge(_registry.Limits.MaxDocumentBytes));
        }

        if (ApiValidation.TryParseJsonBody(body, out _) is { } jsonError)
        {
            return await HttpJson.ErrorAsync(request, jsonError);
        }

        var result = await _registry.RegisterAsync(name, Encoding.UTF8.GetString(body), cancellationToken);
        return result.Error is { } error
            ? await HttpJson.ErrorAsync(request, error)
            : await HttpJson.JsonAsync(
                request, result.Created ? HttpStatusCode.Created : HttpStatusCode.OK, new JsonObject { ["name"] = result.Name, ["version"] = result.Version });
    }

    /// <summary><c>POST /api/workflows/validate</c>: <c>{valid, errors}</c>.</summary>
    [Function("ValidateWorkflow")]
    public async Task<HttpResponseData> ValidateAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "workflows/validate")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        var body = await StartRequests.ReadBodyAsync(request.Body, _registry.Limits.MaxDocumentBytes, cancellationToken);
        if (body is null)
        {
            return await HttpJson.ErrorAsync(request, ApiError.TooLarge(_registry.Limits.MaxDocumentBytes));
        }

        if (ApiValidation.TryParseJsonBody(body, out _) is { } jsonError)
        {
            return await HttpJson.ErrorAsync(request, jsonError);
        }

        return await HttpJson.JsonAsync(request, HttpStatusCode.OK, DefinitionRegistry.Validate(Encoding.UTF8.GetString(body), _registry.Limits));
    }

    /// <summary><c>GET /api/workflows</c>: every workflow with its latest version.</summary>
    [Function("ListWorkflows")]
    public async Task<HttpResponseData> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "workflows")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        var list = await _registry.Store.ListAsync(cancellationToken);
        return await HttpJson.JsonAsync(request, HttpStatusCode.OK, new JsonArray([.. list.Select(d => (JsonNode)new JsonObject
        {
            ["name"] = d.Name,
            ["latestVersion"] = d.LatestVersion,
            ["updatedAt"] = StatusBuilder.FormatTime(d.UpdatedAt),
        })]));
    }

    /// <summary><c>GET /api/workflows/{name}</c>: the latest definition with its version.</summary>
    [Function("GetWorkflow")]
    public async Task<HttpResponseData> GetLatestAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "workflows/{name}")] HttpRequestData request,
        string name,
        CancellationToken cancellationToken)
    {
        var latest = await _registry.Store.GetLatestAsync(name, cancellationToken);
        return latest is null
            ? await HttpJson.ErrorAsync(request, ApiError.NotFound($"Workflow '{ApiValidation.Shorten(name)}' is not registered."))
            : await HttpJson.JsonAsync(request, HttpStatusCode.OK, DefinitionRegistry.ToResponse(latest));
    }

    /// <summary><c>GET /api/workflows/{name}/versions</c>.</summary>
    [Function("ListWorkflowVersions")]
    public async Task<HttpResponseData> ListVersionsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "workflows/{name}/versions")] HttpRequestData request,
        string name,
        CancellationToken cancellationToken)
    {
        var versions = await _registry.Store.ListVersionsAsync(name, cancellationToken);
        return versions.Count == 0
            ? await HttpJson.ErrorAsync(request, ApiError.NotFound($"Workflow '{ApiValidation.Shorten(name)}' is not registered."))
            : await HttpJson.JsonAsync(request, HttpStatusCode.OK, new JsonArray([.. versions.Select(v => (JsonNode)new JsonObject
            {
                ["version"] = v.Version,
                ["createdAt"] = StatusBuilder.FormatTime(v.CreatedAt),
            })]));
    }

    /// <summary><c>GET /api/workflows/{name}/versions/{version}</c>.</summary>
    [Function("GetWorkflowVersion")]
    public async Task<HttpResponseData> GetVersionAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "workflows/{name}/versions/{version}")] HttpRequestData request,
        string name,
        string version,
        CancellationToken cancellationToken)
    {
        if (ApiValidation.TryParseVersion(version, out var v) is { } error)
        {
            return await HttpJson.ErrorAsync(request, error with { StatusCode = 404, Type = ApiErrorTypes.NotFound });
        }

        var stored = await _registry.Store.GetAsync(name, v!.Value, cancellationToken);
        return stored is null
            ? await HttpJson.ErrorAsync(request, ApiError.NotFound($"Workflow '{ApiValidation.Shorten(name)}' has no version {v}."))
            : await HttpJson.JsonAsync(request, HttpStatusCode.OK, DefinitionRegistry.ToResponse(stored));
    }
}
