using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Host.Runtime;
using Serverless.Host.Storage;

namespace Serverless.Host.Routes;

/// <summary>The HTTP API of <c>http-api.md</c>: thin translations from HTTP to the registry and the runtime.</summary>
internal static class ApiRoutes
{
    private const string Durable = "/runtime/webhooks/durabletask";

    public static void MapWorkflowApi(this IEndpointRouteBuilder app)
    {
        // Definitions.
        app.MapPut("/api/workflows/{name}", PutDefinitionAsync);
        app.MapPost("/api/workflows/validate", ValidateAsync);
        app.MapGet("/api/workflows", ListDefinitionsAsync);
        app.MapGet("/api/workflows/{name}", GetLatestAsync);
        app.MapGet("/api/workflows/{name}/versions", ListVersionsAsync);
        app.MapGet("/api/workflows/{name}/versions/{version}", GetVersionAsync);

        // Instances.
        app.MapPost("/api/workflows/{name}/instances", StartAsync);
        app.MapGet(Durable + "/instances/{id}", StatusAsync);
        app.MapGet(Durable + "/instances", ListInstancesAsync);
        app.MapPost(Durable + "/instances/{id}/raiseEvent/{eventName}", RaiseEventAsync);
        app.MapPost(Durable + "/instances/{id}/terminate", (string id, string? reason, InstanceClient client, CancellationToken ct)
            => SendAsync(id, new TerminateRequested("terminate:" + Guid.NewGuid().ToString("N"), reason), client, ct));
        app.MapPost(Durable + "/instances/{id}/suspend", (string id, string? reason, InstanceClient client, CancellationToken ct)
            => SendAsync(id, new SuspendRequested("suspend:" + Guid.NewGuid().ToString("N"), reason), client, ct));
        app.MapPost(Durable + "/instances/{id}/resume", (string id, string? reason, InstanceClient client, CancellationToken ct)
            => SendAsync(id, new ResumeRequested("resume:" + Guid.NewGuid().ToString("N"), reason), client, ct));
        app.MapDelete(Durable + "/instances/{id}", PurgeAsync);
        app.MapGet("/api/instances/{id}/nodes", NodesAsync);
        app.MapPost("/api/instances/{id}/rerun", RerunAsync);

        // Durable routes this host does not implement.
        app.MapPost(Durable + "/instances/{id}/rewind", () => NotImplemented("rewind"));
        app.MapPost(Durable + "/instances/{id}/restart", () => NotImplemented("restart"));
        app.MapDelete(Durable + "/instances", () => NotImplemented("bulk purge"));
        app.Map(Durable + "/entities/{**rest}", () => NotImplemented("entities"));
        app.Map(Durable + "/{**rest}", () => NotImplemented("this Durable route"));
    }

    private static IResult NotImplemented(string what)
        => HttpJson.Error(ApiError.NotImplemented($"The standalone host does not implement {what}; see docs/http-api.md."));

    private static async Task<IResult> PutDefinitionAsync(string name, HttpRequest request, DefinitionRegistry registry, CancellationToken ct)
    {
        var body = await HttpJson.ReadBodyAsync(request, registry.Limits.MaxDocumentBytes, ct);
        if (body is null)
        {
            return HttpJson.Error(ApiError.TooLarge(registry.Limits.MaxDocumentBytes));
        }

        if (ApiValidation.TryParseJsonBody(body, out _) is { } jsonError)
        {
            return HttpJson.Error(jsonError);
        }

        var result = await registry.RegisterAsync(name, Encoding.UTF8.GetString(body), ct);
        return result.Error is { } error
            ? HttpJson.Error(error)
            : HttpJson.Json(result.Created ? 201 : 200, new JsonObject { ["name"] = result.Name, ["version"] = result.Version });
    }

    private static async Task<IResult> ValidateAsync(HttpRequest request, DefinitionRegistry registry, CancellationToken ct)
    {
        var body = await HttpJson.ReadBodyAsync(request, registry.Limits.MaxDocumentBytes, ct);
        if (body is null)
        {
            return HttpJson.Error(ApiError.TooLarge(registry.Limits.MaxDocumentBytes));
        }

        if (ApiValidation.TryParseJsonBody(body, out _) is { } jsonError)
        {
            return HttpJson.Error(jsonError);
        }

        return HttpJson.Json(200, DefinitionRegistry.Validate(Encoding.UTF8.GetString(body), registry.Limits));
    }

    private static async Task<IResult> ListDefinitionsAsync(DefinitionRegistry registry, CancellationToken ct)
    {
        var list = await registry.Store.ListAsync(ct);
        return HttpJson.Json(200, new JsonArray([.. list.Select(d => (JsonNode)new JsonObject
        {
            ["name"] = d.Name,
            ["latestVersion"] = d.LatestVersion,
            ["updatedAt"] = StatusBuilder.FormatTime(d.UpdatedAt),
        })]));
    }

    private static async Task<IResult> GetLatestAsync(string name, DefinitionRegistry registry, CancellationToken ct)
    {
        var latest = await registry.Store.GetLatestAsync(name, ct);
        return latest is null
            ? HttpJson.Error(ApiError.NotFound($"Workflow '{ApiValidation.Shorten(name)}' is not registered."))
            : HttpJson.Json(200, DefinitionRegistry.ToResponse(latest));
    }

    private static async Task<IResult> ListVersionsAsync(string name, DefinitionRegistry registry, CancellationToken ct)
    {
        var versions = await registry.Store.ListVersionsAsync(name, ct);
        return versions.Count == 0
            ? HttpJson.Error(ApiError.NotFound($"Workflow '{ApiValidation.Shorten(name)}' is not registered."))
            : HttpJson.Json(200, new JsonArray([.. versions.Select(v => (JsonNode)new JsonObject
            {
                ["version"] = v.Version,
                ["createdAt"] = StatusBuilder.FormatTime(v.CreatedAt),
            })]));
    }

    private static async Task<IResult> GetVersionAsync(string name, string version, DefinitionRegistry registry, CancellationToken ct)
    {
        if (ApiValidation.TryParseVersion(version, out var v) is { } error)
        {
            return HttpJson.Error(error with { StatusCode = 404, Type = ApiErrorTypes.NotFound });
        }

        var stored = await registry.Store.GetAsync(name, v!.Value, ct);
        return stored is null
            ? HttpJson.Error(ApiError.NotFound($"Workflow '{ApiValidation.Shorten(name)}' has no version {v}."))
            : HttpJson.Json(200, DefinitionRegistry.ToResponse(stored));
    }

    private static async Task<IResult> StartAsync(
        string name, string? instanceId, string? version, HttpContext context, InstanceClient client,
        IOptions<ServerlessHostOptions> options, TaskHubStorage storage, CancellationToken ct)
    {
        var o = options.Value;
        if (ApiValidation.TryParseVersion(version, out var pinned) is { } versionError)
        {
            return HttpJson.Error(versionError);
        }

        if (instanceId is not null && ApiValidation.CheckInstanceId(instanceId) is { } idError)
        {
            return HttpJson.Error(idError);
        }

        var body = await HttpJson.ReadBodyAsync(context.Request, o.MaxPayloadBytes, ct);
        if (body is null)
        {
            return HttpJson.Error(ApiError.TooLarge(o.MaxPayloadBytes));
        }

        if (ApiValidation.TryParseJsonBody(body, out var input) is { } jsonError)
        {
            return HttpJson.Error(jsonError);
        }

        var id = instanceId ?? $"{name}-{Guid.NewGuid():N}";
        if (await client.StartAsync(name, pinned, id, input, ct) is { } error)
        {
            return HttpJson.Error(error);
        }

        var baseUri = BaseUri(context.Request);
        var payload = CheckStatusPayload.Build(baseUri, id, storage.TaskHub, "Storage", o.ApiKey);
        var location = CheckStatusPayload.StatusUri(baseUri, id, storage.TaskHub, "Storage", o.ApiKey);
        return HttpJson.Json(202, payload, r => r.Headers.Location = location);
    }

    private static async Task<IResult> StatusAsync(string id, HttpContext context, InstanceClient client, IOptions<ServerlessHostOptions> options, TaskHubStorage storage, CancellationToken ct)
    {
        var record = await client.GetAsync(id, ct);
        if (record is null)
        {
            return HttpJson.Error(ApiError.NotFound($"Instance '{ApiValidation.Shorten(id)}' does not exist."));
        }

        var status = StatusBuilder.Build(record.State, await client.PlanOfAsync(record.State, ct));
        if (StatusBuilder.IsFinal(record.State.Status))
        {
            return HttpJson.Json(200, status);
        }

        var location = CheckStatusPayload.StatusUri(BaseUri(context.Request), id, storage.TaskHub, "Storage", options.Value.ApiKey);
        return HttpJson.Json(202, status, r =>
        {
            r.Headers.Location = location;
            r.Headers.RetryAfter = options.Value.StatusRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
    }

    private static async Task<IResult> ListInstancesAsync(
        string? runtimeStatus, string? createdTimeFrom, string? createdTimeTo, string? instanceIdPrefix, string? top,
        HttpRequest request, InstanceClient client, InstanceStore store, CancellationToken ct)
    {
        if (InstanceQuery.TryParse(runtimeStatus, createdTimeFrom, createdTimeTo, instanceIdPrefix, top, out var query) is { } error)
        {
            return HttpJson.Error(error);
        }

        var token = request.Headers["x-ms-continuation-token"].ToString();
        (IReadOnlyList<InstanceRecord> Records, string? ContinuationToken) page;
        try
        {
            page = await store.QueryAsync(query, string.IsNullOrEmpty(token) ? null : token, ct);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 400 && !string.IsNullOrEmpty(token))
        {
            return HttpJson.Error(ApiError.Invalid("x-ms-continuation-token", "The continuation token is not one this host issued."));
        }

        var items = new JsonArray();
        foreach (var record in page.Records)
        {
            items.Add(StatusBuilder.Build(record.State, await client.PlanOfAsync(record.State, ct)));
        }

        return HttpJson.Json(200, items, r =>
        {
            if (page.ContinuationToken is { } next)
            {
                r.Headers["x-ms-continuation-token"] = next;
            }
        });
    }

    private static async Task<IResult> RaiseEventAsync(string id, string eventName, HttpRequest request, InstanceClient client, IOptions<ServerlessHostOptions> options, CancellationToken ct)
    {
        if (ApiValidation.CheckEventName(eventName) is { } nameError)
        {
            return HttpJson.Error(nameError);
        }

        var body = await HttpJson.ReadBodyAsync(request, options.Value.MaxPayloadBytes, ct);
        if (body is null)
        {
            return HttpJson.Error(ApiError.TooLarge(options.Value.MaxPayloadBytes));
        }

        if (ApiValidation.TryParseJsonBody(body, out var payload) is { } jsonError)
        {
            return HttpJson.Error(jsonError);
        }

        return await SendAsync(id, new EventRaised("event:" + Guid.NewGuid().ToString("N"), eventName, payload), client, ct);
    }

    private static async Task<IResult> SendAsync(string id, WorkflowEvent @event, InstanceClient client, CancellationToken ct)
        => await client.SendAsync(id, @event, ct) is { } error ? HttpJson.Error(error) : Results.StatusCode(202);

    private static async Task<IResult> PurgeAsync(string id, InstanceClient client, CancellationToken ct)
        => await client.PurgeAsync(id, ct) is { } error ? HttpJson.Error(error) : HttpJson.Json(200, new JsonObject { ["instancesDeleted"] = 1 });

    private static async Task<IResult> RerunAsync(string id, InstanceClient client, CancellationToken ct)
        => await client.RerunAsync(id, ct) is { } error ? HttpJson.Error(error) : Results.StatusCode(202);

    private static async Task<IResult> NodesAsync(string id, string? top, string? continuationToken, InstanceClient client, CancellationToken ct)
    {
        if (NodeDetails.TryParsePaging(top, continuationToken, out var size, out var after) is { } error)
        {
            return HttpJson.Error(error);
        }

        var record = await client.GetAsync(id, ct);
        if (record is null)
        {
            return HttpJson.Error(ApiError.NotFound($"Instance '{ApiValidation.Shorten(id)}' does not exist."));
        }

        var page = NodeDetails.List(record.State, size, after);
        var body = new JsonObject { ["nodes"] = page.Items, ["continuationToken"] = page.ContinuationToken };
        return HttpJson.Json(200, body);
    }

    private static string BaseUri(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";
}
