using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Host.Runtime;
using Serverless.Host.Storage;
using Serverless.HttpApi;

namespace Serverless.Host.Routes;

/// <summary>
/// The HTTP API of <c>http-api.md</c> on this host: the shared handlers of src/HttpApi plus the Durable instance routes,
/// thin translations from HTTP to the runtime.
/// </summary>
internal static class ApiRoutes
{
    private const string Durable = "/runtime/webhooks/durabletask";

    public static void MapWorkflowApi(this IEndpointRouteBuilder app)
    {
        // Definitions, start, per-node detail and rerun: the handlers both hosts share (src/HttpApi).
        app.MapWorkflowHttpApi();

        // The Durable instance routes, which the Durable Functions extension serves on Azure Functions.
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

        // Durable routes this host does not implement; any other path under the Durable prefix answers 501 too, from
        // ErrorForBodilessAnswer, so that a route's other methods answer 405.
        app.MapPost(Durable + "/instances/{id}/rewind", () => ApiResults.Error(NotImplemented("rewind")));
        app.MapPost(Durable + "/instances/{id}/restart", () => ApiResults.Error(NotImplemented("restart")));
        app.MapDelete(Durable + "/instances", () => ApiResults.Error(NotImplemented("bulk purge")));
        app.Map(Durable + "/entities/{**rest}", () => ApiResults.Error(NotImplemented("entities")));
    }

    /// <summary>
    /// The error body for an answer the pipeline left without one: a request no route took (ASP.NET Core's routing
    /// answers it bodiless) is 405 with the route's methods when its path has a route (routing set <c>Allow</c>), 501
    /// under the Durable prefix, otherwise 404; any other bodiless error keeps its status.
    /// </summary>
    public static ApiError ErrorForBodilessAnswer(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        switch (context.Response.StatusCode)
        {
            case StatusCodes.Status405MethodNotAllowed:
                var allowed = context.Response.Headers.Allow.ToString()
                    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Order(StringComparer.Ordinal);
                return ApiError.MethodNotAllowed(request.Method, request.Path, allowed);
            case StatusCodes.Status404NotFound:
                return request.Path.StartsWithSegments(Durable, StringComparison.OrdinalIgnoreCase)
                    ? NotImplemented("this Durable route")
                    : ApiError.NotFound($"No route {request.Method} {request.Path}.");
            case var status:
                return new ApiError(
                    status,
                    status >= 500 ? ApiErrorTypes.InternalError : ApiErrorTypes.BadRequest,
                    $"The host answered {request.Method} {request.Path} with status {status}.");
        }
    }

    private static ApiError NotImplemented(string what)
        => ApiError.NotImplemented($"The standalone host does not implement {what}; see docs/http-api.md.");

    private static async Task<IResult> StatusAsync(string id, HttpContext context, InstanceClient client, IOptions<ServerlessHostOptions> options, TaskHubStorage storage, CancellationToken ct)
    {
        if (ApiValidation.CheckRouteValue(id, "id") is { } routeError)
        {
            return ApiResults.Error(routeError);
        }

        if (StatusQuery.TryParse(context.Request, out var show) is { } queryError)
        {
            return ApiResults.Error(queryError);
        }

        var record = await client.GetAsync(id, ct);
        if (record is null)
        {
            return ApiResults.Error(ApiError.NotFound($"Instance '{ApiValidation.Shorten(id)}' does not exist."));
        }

        var status = show.Build(record.State, await client.PlanOfAsync(record.State, ct));
        if (StatusBuilder.IsFinal(record.State.Status))
        {
            return ApiResults.Json(200, status);
        }

        var location = CheckStatusPayload.StatusUri(CheckStatusResponse.BaseUri(context.Request), id, storage.TaskHub, StandaloneInstanceBackend.Connection, options.Value.ApiKey);
        return ApiResults.Json(202, status, r =>
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
            return ApiResults.Error(error);
        }

        if (StatusQuery.TryParse(request, out var show) is { } queryError)
        {
            return ApiResults.Error(queryError);
        }

        var token = request.Headers["x-ms-continuation-token"].ToString();
        if (await store.QueryAsync(query, string.IsNullOrEmpty(token) ? null : token, ct) is not { } page)
        {
            return ApiResults.Error(ApiError.Invalid("x-ms-continuation-token", "The continuation token is not one this host issued for this query."));
        }

        var items = new JsonArray();
        foreach (var record in page.Records)
        {
            items.Add(show.Build(record.State, await client.PlanOfAsync(record.State, ct)));
        }

        return ApiResults.Json(200, items, r =>
        {
            if (page.ContinuationToken is { } next)
            {
                r.Headers["x-ms-continuation-token"] = next;
            }
        });
    }

    private static async Task<IResult> RaiseEventAsync(string id, string eventName, HttpRequest request, InstanceClient client, IOptions<ServerlessHostOptions> options, CancellationToken ct)
    {
        if ((ApiValidation.CheckRouteValue(id, "id") ?? ApiValidation.CheckEventName(eventName)) is { } routeError)
        {
            return ApiResults.Error(routeError);
        }

        var body = await RequestBodies.ReadJsonAsync(request, options.Value.MaxPayloadBytes, ct);
        if (body.Error is { } bodyError)
        {
            return ApiResults.Error(bodyError);
        }

        return await SendAsync(id, new EventRaised("event:" + Guid.NewGuid().ToString("N"), eventName, body.Value), client, ct);
    }

    private static async Task<IResult> SendAsync(string id, WorkflowEvent @event, InstanceClient client, CancellationToken ct)
    {
        if (ApiValidation.CheckRouteValue(id, "id") is { } routeError)
        {
            return ApiResults.Error(routeError);
        }

        return await client.SendAsync(id, @event, ct) is { } error ? ApiResults.Error(error) : ApiResults.Accepted();
    }

    private static async Task<IResult> PurgeAsync(string id, InstanceClient client, CancellationToken ct)
    {
        if (ApiValidation.CheckRouteValue(id, "id") is { } routeError)
        {
            return ApiResults.Error(routeError);
        }

        return await client.PurgeAsync(id, ct) is { } error ? ApiResults.Error(error) : ApiResults.Json(200, new JsonObject { ["instancesDeleted"] = 1 });
    }
}
