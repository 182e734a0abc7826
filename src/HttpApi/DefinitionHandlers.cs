using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Engine.Api;
using Serverless.Engine.Diagrams;
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
    /// <c>GET /api/workflows/{name}/diagram[?format=mermaid|svg&amp;version=]</c>: the definition's diagram, as Mermaid
    /// text (<c>text/plain</c>, the default) or SVG (<c>image/svg+xml</c>), of the latest version or of
    /// <c>version</c>. Checked in this order: a control character in the name (400), the name (404), <c>format</c> (400),
    /// <c>version</c> (400), then the workflow and version (404).
    /// </summary>
    public static async Task<IResult> DiagramAsync(string name, HttpRequest request, DefinitionRegistry registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(registry);
        if (ApiValidation.CheckRouteValue(name, "name") is { } routeError)
        {
            return ApiResults.Error(routeError);
        }

        if (ApiValidation.CheckWorkflowName(name) is not null)
        {
            return ApiResults.Error(NotRegistered(name));
        }

        if (TryParseFormat(RequestBodies.Query(request, "format"), out var format) is { } formatError)
        {
            return ApiResults.Error(formatError);
        }

        if (ApiValidation.TryParseVersion(RequestBodies.Query(request, "version"), out var version) is { } versionError)
        {
            return ApiResults.Error(versionError);
        }

        var workflow = await registry.ResolveAsync(name, version, cancellationToken);
        if (workflow is null)
        {
            return ApiResults.Error(version is { } v
                ? ApiError.NotFound($"Workflow '{name}' has no version {v}.")
                : NotRegistered(name));
        }

        return Results.Text(
            WorkflowDiagram.Render(workflow.Definition, format),
            format == DiagramFormat.Svg ? "image/svg+xml" : "text/plain",
            Encoding.UTF8);
    }

    /// <summary>The <c>format</c> of the diagram route: absent or empty means Mermaid; case does not matter.</summary>
    private static ApiError? TryParseFormat(string? text, out DiagramFormat format)
    {
        format = DiagramFormat.Mermaid;
        if (string.IsNullOrEmpty(text) || text.Equals("mermaid", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (text.Equals("svg", StringComparison.OrdinalIgnoreCase))
        {
            format = DiagramFormat.Svg;
            return null;
        }

        return ApiError.Invalid("format", $"format must be mermaid or svg, not '{ApiValidation.Shorten(text)}'.");
    }

    /// <summary>
    /// 404 for a workflow that is not registered; a name no definition can have (not <c>[a-z0-9-]{1,63}</c>) is simply
    /// not registered, and never reaches the store.
    /// </summary>
    internal static ApiError NotRegistered(string name) => ApiError.NotFound($"Workflow '{ApiValidation.Shorten(name)}' is not registered.");
}
