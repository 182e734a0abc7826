using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Engine.Api;

namespace Serverless.HttpApi;

/// <summary>Maps the shared routes of the HTTP API on an ASP.NET Core endpoint builder.</summary>
public static class WorkflowApiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the definition routes and the shared instance routes (start, nodes, rerun) of <c>http-api.md</c>. The
    /// services must hold a <see cref="DefinitionRegistry"/>, an <see cref="IInstanceBackend"/> and
    /// <see cref="WorkflowApiOptions"/>.
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

        // Instances.
        endpoints.MapPost("/api/workflows/{name}/instances", (string name, HttpRequest request)
            => InstanceHandlers.StartAsync(
                name, request, Registry(request), Backend(request), Service<WorkflowApiOptions>(request), request.HttpContext.RequestAborted));
        endpoints.MapGet("/api/instances/{id}/nodes", (string id, HttpRequest request)
            => InstanceHandlers.NodesAsync(id, request, Backend(request), request.HttpContext.RequestAborted));
        endpoints.MapPost("/api/instances/{id}/rerun", (string id, HttpRequest request)
            => InstanceHandlers.RerunAsync(id, Backend(request), request.HttpContext.RequestAborted));
        return endpoints;
    }

    private static DefinitionRegistry Registry(HttpRequest request) => Service<DefinitionRegistry>(request);

    private static IInstanceBackend Backend(HttpRequest request) => Service<IInstanceBackend>(request);

    private static T Service<T>(HttpRequest request)
        where T : notnull
        => request.HttpContext.RequestServices.GetRequiredService<T>();
}
