using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Engine.Api;
using Serverless.Engine.Registry;

namespace Serverless.HttpApi;

/// <summary>
/// The definition routes of <c>http-api.md</c> over <see cref="DefinitionRegistry"/>. Checks run in one order on every
/// route: route values (a control character is 400 everywhere), route name, then route version, then the body's
/// charset, size and JSON, then the registry.
/// </summary>
internal static class DefinitionHandlers
{
    /// <summary><c>PUT /api/workflows/{name}</c>: 201 for a new version, 200 when equal to the latest, 400 with every problem.</summary>
    public static async Task<IResult> PutAsync(string name, HttpRequest request, DefinitionRegistry registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if ((ApiValidation.CheckRouteValue(name, "name") ?? ApiValidation.CheckWorkflowName(name)) is { } nameError)
        {
            return ApiResults.Error(nameError);
        }

        var body = await RequestBodies.ReadJsonAsync(request, registry.Limits.MaxDocumentBytes, cancellationToken);
        if (body.Error is { } bodyError)
        {
            return ApiResults.Error(bodyError);
        }

        var result = await registry.RegisterAsync(name, body.Value.GetRawText(), cancellationToken);
        return result.Error is { } error
            ? ApiResults.Error(error)
            : ApiResults.Json(
                result.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK,
                new JsonObject { ["name"] = result.Name, ["version"] = result.Version });
    }

    /// <summary><c>POST /api/workflows/validate</c>: 200 <c>{valid, errors}</c>.</summary>
    public static async Task<IResult> ValidateAsync(HttpRequest request, DefinitionRegistry registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var body = await RequestBodies.ReadJsonAsync(request, registry.Limits.MaxDocumentBytes, cancellationToken);
        return body.Error is { } bodyError
            ? ApiResults.Error(bodyError)
            : ApiResults.Json(StatusCodes.Status200OK, DefinitionRegistry.Validate(body.Value.GetRawText(), registry.Limits));
    }

    /// <summary><c>GET /api/workflows</c>: <c>[{name, latestVersion, updatedAt}]</c>.</summary>
    public static async Task<IResult> ListAsync(DefinitionRegistry registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var list = await registry.Store.ListAsync(cancellationToken);
        return ApiResults.Json(StatusCodes.Status200OK, new JsonArray([.. list.Select(d => (JsonNode)new JsonObject
        {
            ["name"] = d.Name,
            ["latestVersion"] = d.LatestVersion,
            ["updatedAt"] = StatusBuilder.FormatTime(d.UpdatedAt),
        })]));
    }

    /// <summary><c>GET /api/workflows/{name}</c>: the latest definition with its <c>version</c>; 404.</summary>
    public static async Task<IResult> GetLatestAsync(string name, DefinitionRegistry registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (ApiValidation.CheckRouteValue(name, "name") is { } routeError)
        {
            return ApiResults.Error(routeError);
        }

        var latest = ApiValidation.CheckWorkflowName(name) is null ? await registry.Store.GetLatestAsync(name, cancellationToken) : null;
        return latest is null
            ? ApiResults.Error(NotRegistered(name))
            : ApiResults.Json(StatusCodes.Status200OK, DefinitionRegistry.ToResponse(latest));
    }

    /// <summary><c>GET /api/workflows/{name}/versions</c>: <c>[{version, createdAt}]</c>; 404.</summary>
    public static async Task<IResult> ListVersionsAsync(string name, DefinitionRegistry registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (ApiValidation.CheckRouteValue(name, "name") is { } routeError)
        {
            return ApiResults.Error(routeError);
        }

        var versions = ApiValidation.CheckWorkflowName(name) is null ? await registry.Store.ListVersionsAsync(name, cancellationToken) : [];
        return versions.Count == 0
            ? ApiResults.Error(NotRegistered(name))
            : ApiResults.Json(StatusCodes.Status200OK, new JsonArray([.. versions.Select(v => (JsonNode)new JsonObject
            {
                ["version"] = v.Version,
                ["createdAt"] = StatusBuilder.FormatTime(v.CreatedAt),
            })]));
    }

    /// <summary><c>GET /api/workflows/{name}/versions/{version}</c>: one version; 404 (also for a version that is not one).</summary>
    public static async Task<IResult> GetVersionAsync(string name, string version, DefinitionRegistry registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if ((ApiValidation.CheckRouteValue(name, "name") ?? ApiValidation.CheckRouteValue(version, "version")) is { } routeError)
        {
            return ApiResults.Error(routeError);
        }

        if (ApiValidation.CheckWorkflowName(name) is not null)
        {
            return ApiResults.Error(NotRegistered(name));
        }

        if (ApiValidation.TryParseVersion(version, out var v) is { } error)
        {
            // A route segment that is no version names no resource: 404, with the reason in the message.
            return ApiResults.Error(error with { StatusCode = 404, Type = ApiErrorTypes.NotFound });
        }

        var stored = await registry.Store.GetAsync(name, v!.Value, cancellationToken);
        return stored is null
            ? ApiResults.Error(ApiError.NotFound($"Workflow '{ApiValidation.Shorten(name)}' has no version {v}."))
            : ApiResults.Json(StatusCodes.Status200OK, DefinitionRegistry.ToResponse(stored));
    }

    /// <summary>
    /// 404 for a workflow that is not registered; a name no definition can have (not <c>[a-z0-9-]{1,63}</c>) is simply
    /// not registered, and never reaches the store.
    /// </summary>
    internal static ApiError NotRegistered(string name) => ApiError.NotFound($"Workflow '{ApiValidation.Shorten(name)}' is not registered.");
}
