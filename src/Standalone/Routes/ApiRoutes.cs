using Microsoft.Extensions.Options;
using Serverless.Engine.Api;
using Serverless.HttpApi;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Routes;

/// <summary>
/// The HTTP API of <c>http-api.md</c> on this host: the shared handlers of src/HttpApi under <c>/api</c>, their Durable
/// instance routes again under <c>/runtime/webhooks/durabletask</c>, and 501 for the Durable routes this host does not
/// implement. The runtime is reached through <see cref="StandaloneInstanceBackend"/>.
/// </summary>
internal static class ApiRoutes
{
    private const string Durable = "/runtime/webhooks/durabletask";

    public static void MapWorkflowApi(this IEndpointRouteBuilder app)
    {
        // Definitions, start, per-node detail, rerun and the /api/instances routes: the handlers both hosts share.
        app.MapWorkflowHttpApi();

        // The Durable instance routes, which the Durable Functions extension serves on Azure Functions, on the same
        // handlers as their /api/instances aliases. A 202 status answer points at the Durable status URI, with the
        // task hub, connection and key the start's check-status payload carries.
        app.MapDurableInstanceRoutes(Durable + "/instances", (request, id) =>
        {
            var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<StandaloneHostOptions>>().Value;
            var taskHub = request.HttpContext.RequestServices.GetRequiredService<TaskHubStorage>().TaskHub;
            return CheckStatusPayload.StatusUri(
                CheckStatusResponse.BaseUri(request), id, taskHub, StandaloneInstanceBackend.Connection, options.ApiKey);
        });

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
}
