using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Serverless.Engine.Registry;
using Serverless.HttpApi;

namespace Serverless.FunctionApp.Http;

/// <summary>The definition routes of the HTTP API: bindings of the shared handlers (src/HttpApi).</summary>
internal sealed class DefinitionFunctions
{
    private readonly DefinitionRegistry _registry;

    /// <summary>Creates the functions over the registry.</summary>
    public DefinitionFunctions(DefinitionRegistry registry) => _registry = registry;

    /// <summary><c>PUT /api/workflows/{name}</c>: registers a definition (201 new version, 200 unchanged, 400 invalid).</summary>
    [Function("PutWorkflow")]
    public Task<IResult> PutAsync(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "workflows/{name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken)
        => DefinitionHandlers.PutAsync(name, request, _registry, cancellationToken);

    /// <summary><c>POST /api/workflows/validate</c>: <c>{valid, errors}</c>.</summary>
    [Function("ValidateWorkflow")]
    public Task<IResult> ValidateAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "workflows/validate")] HttpRequest request,
        CancellationToken cancellationToken)
        => DefinitionHandlers.ValidateAsync(request, _registry, cancellationToken);

    /// <summary><c>GET /api/workflows</c>: every workflow with its latest version.</summary>
    [Function("ListWorkflows")]
    public Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "workflows")] HttpRequest request,
        CancellationToken cancellationToken)
        => DefinitionHandlers.ListAsync(_registry, cancellationToken);

    /// <summary><c>GET /api/workflows/{name}</c>: the latest definition with its version.</summary>
    [Function("GetWorkflow")]
    public Task<IResult> GetLatestAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "workflows/{name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken)
        => DefinitionHandlers.GetLatestAsync(name, _registry, cancellationToken);

    /// <summary><c>GET /api/workflows/{name}/versions</c>.</summary>
    [Function("ListWorkflowVersions")]
    public Task<IResult> ListVersionsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "workflows/{name}/versions")] HttpRequest request,
        string name,
        CancellationToken cancellationToken)
        => DefinitionHandlers.ListVersionsAsync(name, _registry, cancellationToken);

    /// <summary><c>GET /api/workflows/{name}/versions/{version}</c>.</summary>
    [Function("GetWorkflowVersion")]
    public Task<IResult> GetVersionAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "workflows/{name}/versions/{version}")] HttpRequest request,
        string name,
        string version,
        CancellationToken cancellationToken)
        => DefinitionHandlers.GetVersionAsync(name, version, _registry, cancellationToken);

    /// <summary><c>GET /api/workflows/{name}/diagram[?format=mermaid|svg&amp;version=]</c>: the definition as Mermaid or SVG.</summary>
    [Function("GetWorkflowDiagram")]
    public Task<IResult> DiagramAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "workflows/{name}/diagram")] HttpRequest request,
        string name,
        CancellationToken cancellationToken)
        => DefinitionHandlers.DiagramAsync(name, request, _registry, cancellationToken);
}
