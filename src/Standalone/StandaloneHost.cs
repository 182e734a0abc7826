using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Serverless.Console;
using Serverless.Engine.Api;
using Serverless.Engine.Execution;
using Serverless.Engine.Registry;
using Serverless.Engine.Telemetry;
using Serverless.HttpApi;
using Serverless.Standalone.Health;
using Serverless.Standalone.Routes;
using Serverless.Standalone.Runtime;
using Serverless.Standalone.Storage;
using Serverless.Standalone.Telemetry;
using KestrelServerOptions = Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions;

namespace Serverless.Standalone;

/// <summary>Builds the standalone host: <c>CreateBuilder</c>, register activities, <c>Build</c>, <c>RunAsync</c>.</summary>
public static class StandaloneHost
{
    private const string StorageSection = StandaloneHostOptions.Section + ":Storage";

    /// <summary>Largest body Kestrel reads for any route; each route's own limit is lower.</summary>
    internal const int MaxRequestBodyBytes = 4 * 1024 * 1024;

    /// <summary>
    /// A web application builder with the host's services, reading options from the <c>Host</c> section. Kestrel binds
    /// <c>http://127.0.0.1:7071</c> unless <c>--urls</c>, <c>ASPNETCORE_URLS</c> or <c>Urls</c> say otherwise.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // The slim builder: what the host uses of the full one, without what it does not (IIS, static web assets, host
        // filtering, the Debug logger, regex route constraints), which every start paid for (docs/performance.md, cold
        // start). HTTPS endpoints from configuration and the EventSource logger (dotnet-monitor's logs) are added back.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Logging.AddEventSourceLogger();
        if (string.IsNullOrEmpty(builder.Configuration["Urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:7071");
        }

        builder.Services.AddStandaloneHost();
        builder.Services.AddOpenTelemetry().AddWorkflowTelemetry(builder.Configuration);
        return builder;
    }

    /// <summary>Registers the host's services.</summary>
    public static IServiceCollection AddStandaloneHost(this IServiceCollection services)
    {
        services.AddOptions<StandaloneHostOptions>()
            .BindConfiguration(StandaloneHostOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StandaloneHostOptions>, StandaloneHostOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StorageRequestCounter>();
        services.AddSingleton<StorageAvailability>();
        services.AddStorageClients();
        services.AddSingleton(sp => new TaskHubStorage(
            sp.GetRequiredService<IOptions<StandaloneHostOptions>>(),
            (sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<QueueServiceClient>(), sp.GetRequiredService<BlobServiceClient>())));
        services.AddSingleton<InstanceStore>();
        services.AddSingleton<MessageSender>();
        services.AddSingleton<IDefinitionStore>(sp => new TableDefinitionStore(sp.GetRequiredService<TaskHubStorage>().Definitions));
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<StandaloneHostOptions>>().Value;
            return new DefinitionRegistry(
                sp.GetRequiredService<IDefinitionStore>(),
                sp.GetRequiredService<TimeProvider>(),
                planOptions: new Serverless.Engine.Decisions.PlanOptions { MaxValueBytes = o.MaxPayloadBytes, HostMaxConcurrency = o.MaxForeachConcurrency, MaxQueuedEvents = o.MaxQueuedEvents });
        });
        services.AddSingleton(sp => new PartitionTable(sp.GetRequiredService<IOptions<StandaloneHostOptions>>().Value.Partitions));
        services.AddSingleton<HostMetrics>();
        services.AddWorkflowExecutors();
        services.AddOptions<WorkflowExecutorOptions>().BindConfiguration("Executors");
        services.AddOptions<TraceOptions>().BindConfiguration("Telemetry");
        services.AddWorkflowActivity<EchoActivity>(EchoActivity.Name);
        services.AddSingleton<NodeWorkRunner>();
        services.AddSingleton<InstanceRuntime>();
        services.AddSingleton<InstanceClient>();
        services.AddSingleton<IInstanceBackend, StandaloneInstanceBackend>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<StandaloneHostOptions>>().Value;
            return new WorkflowApiOptions { MaxPayloadBytes = o.MaxPayloadBytes, StatusRetryAfterSeconds = o.StatusRetryAfterSeconds };
        });
        services.AddSingleton<ControlQueuePoller>();
        services.AddSingleton<StartupPriming>();
        services.AddSingleton<PartitionLeaseBalancer>();
        services.AddHostedService(sp => sp.GetRequiredService<PartitionLeaseBalancer>());
        services.AddHealthChecks()
            .AddCheck<RuntimeHealthCheck>(HealthResponse.Runtime)
            .AddCheck<StorageHealthCheck>(HealthResponse.Storage);
        services.AddOpenTelemetry()
            .WithTracing(tracing => tracing
                .AddSource(WorkflowTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsQuiet(context.Request.Path)))
            .WithMetrics(metrics => metrics
                .AddMeter(WorkflowTelemetry.Name, HostMetrics.MeterName)
                .AddPrometheusExporter());
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<StandaloneHostOptions>>((kestrel, options) =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            RequestLimits.ConfigureKestrel(kestrel, options.Value.MaxRequestTargetBytes, options.Value.MaxRequestHeadersBytes);
        });
        return services;
    }

    /// <summary>
    /// The table, queue and blob service clients, through Microsoft.Extensions.Azure: from <c>Host:Storage</c>'s
    /// connection string, or its account with the token credential the section describes (<c>Credential</c>,
    /// <c>ClientId</c>, ...; <c>DefaultAzureCredential</c> without them). Every client gets the host's pipeline
    /// (<see cref="TaskHubStorage.Configure{T}"/>).
    /// </summary>
    private static void AddStorageClients(this IServiceCollection services)
    {
        // One credential for the three clients (one token cache). Not UseCredential: the component factory falls back
        // to the global credential when the section names none, which would be this factory again.
        services.AddKeyedSingleton(StorageSection, (sp, _) => sp.GetRequiredService<AzureComponentFactory>().CreateTokenCredential(
            (IConfiguration?)sp.GetService<IConfiguration>()?.GetSection(StorageSection) ?? new ConfigurationBuilder().Build()));
        services.AddAzureClients(clients =>
        {
            clients.AddClient<TableServiceClient, TableClientOptions>((options, credential, sp) => Account(sp).CreateTableServiceClient(options, credential))
                .WithCredential(Credential)
                .ConfigureOptions((options, sp) => Configure(options, 0, sp));
            clients.AddClient<QueueServiceClient, QueueClientOptions>((options, credential, sp) => Account(sp).CreateQueueServiceClient(options, credential))
                .WithCredential(Credential)
                .ConfigureOptions((options, sp) => Configure(options, 1, sp));
            clients.AddClient<BlobServiceClient, BlobClientOptions>((options, credential, sp) => Account(sp).CreateBlobServiceClient(options, credential))
                .WithCredential(Credential)
                .ConfigureOptions((options, sp) => Configure(options, 2, sp));
        });

        // A connection string needs no token: the factory asks for a credential all the same, and building the default
        // chain for nothing costs every start (docs/performance.md, cold start).
        static TokenCredential Credential(IServiceProvider sp)
            => Account(sp).UsesIdentity ? sp.GetRequiredKeyedService<TokenCredential>(StorageSection) : NoCredential.Instance;

        static StorageAccount Account(IServiceProvider sp) => sp.GetRequiredService<IOptions<StandaloneHostOptions>>().Value.Storage.Account();

        static void Configure<T>(T options, int service, IServiceProvider sp) where T : ClientOptions =>
            TaskHubStorage.Configure(options, service, sp.GetRequiredService<StorageRequestCounter>(), sp.GetService<StorageAvailability>());
    }

    // Scrapes, health probes and the console's files are not worth a trace each.
    private static bool IsQuiet(PathString path)
        => path.StartsWithSegments("/metrics") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/console");

    /// <summary>Builds the application and maps every route.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = RequestErrors.WriteAsync,

            // A storage outage is not a bug: RequestErrors logs one line for it instead of the middleware's stack trace.
            SuppressDiagnosticsCallback = context => StorageErrors.IsUnavailable(context.Exception),
        });

        // Every answer routing leaves without a body (no route: 404 or 501; a route without this method: 405) gets one.
        app.UseStatusCodePages(context => ApiResults.Error(ApiRoutes.ErrorForBodilessAnswer(context.HttpContext)).ExecuteAsync(context.HttpContext));
        app.Use(RejectOversizedRequestAsync);
        app.Use(RequireApiKeyAsync);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync }).WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        app.MapWorkflowApi();

        // The web console's files: /console redirects to /console/. They are served without the API key (the console
        // asks the user for it and sends it on its own /api calls), which the AllowAnonymous metadata tells RequireApiKeyAsync.
        app.MapMethods("/console/{**path}", [HttpMethods.Get, HttpMethods.Head], (HttpRequest request, string? path) => ConsoleFiles.Serve(request, path))
            .AllowAnonymous();
        return app;
    }

    private static async Task RejectOversizedRequestAsync(HttpContext context, RequestDelegate next)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<StandaloneHostOptions>>().Value;
        if (RequestLimits.Check(context, options.MaxRequestTargetBytes, options.MaxRequestHeadersBytes) is { } error)
        {
            await ApiResults.Error(error).ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private static async Task RequireApiKeyAsync(HttpContext context, RequestDelegate next)
    {
        var key = context.RequestServices.GetRequiredService<IOptions<StandaloneHostOptions>>().Value.ApiKey;
        if (!string.IsNullOrEmpty(key) && context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is null)
        {
            var given = context.Request.Query["code"].ToString();
            if (string.IsNullOrEmpty(given))
            {
                given = context.Request.Headers["x-functions-key"].ToString();
            }

            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(key)))
            {
                await ApiResults.Error(ApiError.Unauthorized()).ExecuteAsync(context);
                return;
            }
        }

        await next(context);
    }
}
