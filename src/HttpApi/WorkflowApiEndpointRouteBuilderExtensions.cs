using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Engine.Registry;

namespace Serverless.HttpApi;

/// <summary>Maps the shared routes of the HTTP API on an ASP.NET Core endpoint builder.</summary>
public static class WorkflowApiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the definition routes and the instance routes under <c>/api</c> of <c>http-api.md</c>: start, nodes, rerun,
    /// and the <c>/api/instances</c> aliases of the Durable instance routes (status, list, raise event, terminate,
    /// suspend, resume, purge) on the same handlers as <see cref="MapDurableInstanceRoutes"/>. The services must hold a
    /// <see cref="DefinitionRegistry"/>, an <see cref="IInstanceBackend"/> and <see cref="WorkflowApiOptions"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapWorkflowHttpApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Definitions.
        endpoints.MapPut("/api/workflows/{name}", (string name, HttpRequest request)
            => DefinitionHandlers.PutAsync(name, request, Registry(request), request.HttpContext.RequestAborted));
        endpoints.MapPost("/api/workflows/validate", (HttpRequest request)
            => DefinitionHandlers.ValidateAsync(request, Registry(request), request.HttpContext.RequestAborted));
        endpoints.MapGet("/api/workflows", (HttpRequest request)
            => DefinitionHandlers.ListAsync(Registry(request), request.HttpContext.RequestAborted));
        endpoints.MapGet("/api/workflows/{name}", (string name, HttpRequest request)
            => DefinitionHandlers.GetLatestAsync(name, Registry(request), request.HttpContext.RequestAborted));
        endpoints.MapGet("/api/workflows/{name}/versions", (string name, HttpRequest request)
            => DefinitionHandlers.ListVersionsAsync(name, Registry(request), request.HttpContext.RequestAborted));
        endpoints.MapGet("/api/workflows/{name}/versions/{version}", (string name, string version, HttpRequest request)
            => DefinitionHandlers.GetVersionAsync(name, version, Registry(request), request.HttpContext.RequestAborted));
        endpoints.MapGet("/api/workflows/{name}/diagram", (string name, HttpRequest request)
            => DefinitionHandlers.DiagramAsync(name, request, Registry(request), request.HttpContext.RequestAborted));

        // Instances.
        endpoints.MapPost("/api/workflows/{name}/instances", (string name, HttpRequest request)
            => InstanceHandlers.StartAsync(
                name, request, Registry(request), Backend(request), Service<WorkflowApiOptions>(request), request.HttpContext.RequestAborted));
        endpoints.MapGet("/api/instances/{id}/nodes", (string id, HttpRequest request)
            => InstanceHandlers.NodesAsync(id, request, Backend(request), request.HttpContext.RequestAborted));
        endpoints.MapPost("/api/instances/{id}/rerun", (string id, HttpRequest request)
            => InstanceHandlers.RerunAsync(id, Backend(request), request.HttpContext.RequestAborted));

        // The Durable instance routes again under /api, so a client needs one base URL and one key. A 202 status
        // answer's Location is the request's own URL: the client keeps polling the route it used.
        endpoints.MapDurableInstanceRoutes("/api/instances", statusUri: null);
        return endpoints;
    }

    /// <summary>
    /// Maps the Durable instance routes under <paramref name="prefix"/> (<c>/runtime/webhooks/durabletask/instances</c>
    /// or <c>/api/instances</c>): <c>GET {prefix}</c>, <c>GET|DELETE {prefix}/{id}</c>,
    /// <c>POST {prefix}/{id}/raiseEvent/{eventName}</c>, <c>POST {prefix}/{id}/terminate|suspend|resume</c>.
    /// </summary>
    /// <param name="endpoints">The endpoint builder.</param>
    /// <param name="prefix">The route prefix.</param>
    /// <param name="statusUri">
    /// The <c>Location</c> of a 202 status answer for a request and an instance id; null for the request's own URL.
    /// </param>
    internal static IEndpointRouteBuilder MapDurableInstanceRoutes(
        this IEndpointRouteBuilder endpoints, string prefix, Func<HttpRequest, string, string>? statusUri)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        endpoints.MapGet(prefix, (HttpRequest request)
            => InstanceHandlers.ListAsync(request, Backend(request), request.HttpContext.RequestAborted));
        endpoints.MapGet(prefix + "/{id}", (string id, HttpRequest request)
            => InstanceHandlers.StatusAsync(
                id, request, Backend(request), Service<WorkflowApiOptions>(request), statusUri, request.HttpContext.RequestAborted));
        endpoints.MapDelete(prefix + "/{id}", (string id, HttpRequest request)
            => InstanceHandlers.PurgeAsync(id, Backend(request), request.HttpContext.RequestAborted));
        endpoints.MapPost(prefix + "/{id}/raiseEvent/{eventName}", (string id, string eventName, HttpRequest request)
            => InstanceHandlers.RaiseEventAsync(
                id, eventName, request, Backend(request), Service<WorkflowApiOptions>(request), request.HttpContext.RequestAborted));
        endpoints.MapPost(prefix + "/{id}/terminate", (string id, HttpRequest request)
            => InstanceHandlers.TerminateAsync(id, request, Backend(request), request.HttpContext.RequestAborted));
        endpoints.MapPost(prefix + "/{id}/suspend", (string id, HttpRequest request)
            => InstanceHandlers.SuspendAsync(id, request, Backend(request), request.HttpContext.RequestAborted));
        endpoints.MapPost(prefix + "/{id}/resume", (string id, HttpRequest request)
            => InstanceHandlers.ResumeAsync(id, request, Backend(request), request.HttpContext.RequestAborted));
        return endpoints;
    }

    private static DefinitionRegistry Registry(HttpRequest request) => Service<DefinitionRegistry>(request);

    private static IInstanceBackend Backend(HttpRequest request) => Service<IInstanceBackend>(request);

    private static T Service<T>(HttpRequest request)
        where T : notnull
        => request.HttpContext.RequestServices.GetRequiredService<T>();
}
