using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.DurableTask.Http;
using Serverless.Engine.Execution;
using Serverless.Engine.Registry;
using Serverless.Engine.Replay;
using Serverless.HttpApi;
using Serverless.Testing;

namespace Serverless.FunctionApp.Tests.Infrastructure;

/// <summary>
/// The Functions app's HTTP functions without the Functions host (Core Tools cannot be installed here): the app's own
/// service registrations (<c>AddServerlessWorkflows</c>, storage on Azurite), its <c>[Function]</c> classes mapped on
/// Kestrel by their own <see cref="HttpTriggerAttribute"/> routes and methods under <c>/api</c>, and their
/// <c>[DurableClient]</c> parameters bound to a real <see cref="DurableTaskClient"/> of the Durable Task engine (Azure
/// Storage provider on Azurite, through the gRPC sidecar) that runs the app's orchestration and activities.
/// </summary>
/// <remarks>
/// One binding cannot run outside the Functions host: <c>StartWorkflow</c> asks the <c>FunctionContext</c> for the
/// extension's view of the request to build the check-status URLs with the system key. Here that function is served by
/// the same shared handler with the backend's plain-client payload; the rest of its path is identical.
/// </remarks>
internal sealed class FunctionsHttpHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WorkflowTaskHub _hub;

    private FunctionsHttpHost(WebApplication app, WorkflowTaskHub hub, HttpClient client, IReadOnlyList<string> mapped)
    {
        _app = app;
        _hub = hub;
        Client = client;
        Mapped = mapped;
    }

    public HttpClient Client { get; }

    public DurableTaskClient Durable => _hub.Client;

    /// <summary>The app's services (its checkpoint store, registry, options).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The functions mapped from their attributes, as <c>METHOD /api/route</c>.</summary>
    public IReadOnlyList<string> Mapped { get; }

    public static async Task<FunctionsHttpHost> StartAsync(string connectionString, string taskHub, INodeExecutor executor, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Workflows:DefinitionsTable"] = taskHub + "Definitions",
            ["Workflows:CheckpointContainer"] = taskHub.ToLowerInvariant() + "-checkpoints",
        });
        builder.Services.AddServerlessWorkflows(builder.Configuration);
        builder.Services.AddSingleton<INodeExecutor>(executor);
        builder.Services.AddSingleton<Serverless.FunctionApp.Http.DefinitionFunctions>();
        builder.Services.AddSingleton<Serverless.FunctionApp.Http.InstanceFunctions>();
        builder.Services.AddSingleton<Serverless.FunctionApp.Http.ConsoleFunction>();
        var app = builder.Build();
        var hub = await WorkflowTaskHub.StartAsync(connectionString, taskHub, app.Services, cancellationToken: cancellationToken);
        var mapped = MapFunctions(app, hub.Client);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new FunctionsHttpHost(app, hub, new HttpClient { BaseAddress = new Uri(address) }, mapped);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
        await _hub.DisposeAsync();
    }

    private static List<string> MapFunctions(WebApplication app, DurableTaskClient durable)
    {
        var mapped = new List<string>();
        var functionTypes = typeof(Serverless.FunctionApp.Http.DefinitionFunctions).Assembly.GetTypes();
        foreach (var method in functionTypes.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance)))
        {
            var function = method.GetCustomAttribute<FunctionAttribute>();
            var parameters = method.GetParameters();
            var trigger = parameters.Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(a => a is not null);
            if (function is null || trigger is null)
            {
                continue;
            }

            var route = "/api/" + trigger.Route;
            foreach (var verb in trigger.Methods!)
            {
                mapped.Add($"{verb.ToUpperInvariant()} {route}");
                app.MapMethods(route, [verb.ToUpperInvariant()], async context =>
                {
                    var result = await InvokeAsync(function.Name, method, parameters, context, durable);
                    await result.ExecuteAsync(context);
                });
            }
        }

        return mapped;
    }

    // Binds each parameter as the Functions host does: the trigger's request, route values by name, the durable
    // client, the invocation's cancellation token.
    private static Task<IResult> InvokeAsync(string function, MethodInfo method, ParameterInfo[] parameters, HttpContext context, DurableTaskClient durable)
    {
        var services = context.RequestServices;
        if (parameters.Any(p => p.ParameterType == typeof(FunctionContext)))
        {
            // See the remarks: the one binding that needs the Functions host's context.
            return InstanceHandlers.StartAsync(
                (string)context.Request.RouteValues["name"]!, context.Request, services.GetRequiredService<DefinitionRegistry>(),
                new DurableInstanceBackend(durable, services.GetRequiredService<ICheckpointStore>()),
                services.GetRequiredService<WorkflowApiOptions>(), context.RequestAborted);
        }

        var arguments = parameters.Select(object? (p) => p.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => context.Request,
            var t when t == typeof(DurableTaskClient) => durable,
            var t when t == typeof(CancellationToken) => context.RequestAborted,
            var t when t == typeof(string) => context.Request.RouteValues[p.Name!]?.ToString(),
            _ => throw new InvalidOperationException($"{function}: cannot bind parameter {p.Name} of type {p.ParameterType}."),
        }).ToArray();
        var target = services.GetRequiredService(method.DeclaringType!);
        return method.Invoke(target, arguments) switch
        {
            Task<IResult> pending => pending,
            IResult result => Task.FromResult(result),
            var other => throw new InvalidOperationException($"{function}: returns {other?.GetType()}, neither IResult nor Task<IResult>."),
        };
    }
}
