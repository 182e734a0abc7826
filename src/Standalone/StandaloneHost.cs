using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Serverless.Engine.Api;
using Serverless.Engine.Execution;
using Serverless.Engine.Registry;
using Serverless.Standalone.Health;
using Serverless.Standalone.Routes;
using Serverless.Standalone.Runtime;
using Serverless.Standalone.Storage;
using Serverless.Standalone.Telemetry;
using Serverless.HttpApi;
using KestrelServerOptions = Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions;

namespace Serverless.Standalone;

/// <summary>Builds the standalone host: <c>CreateBuilder</c>, register activities, <c>Build</c>, <c>RunAsync</c>.</summary>
public static class StandaloneHost
{
    /// <summary>Largest body Kestrel reads for any route; each route's own limit is lower.</summary>
    internal const int MaxRequestBodyBytes = 4 * 1024 * 1024;

    /// <summary>
    /// A web application builder with the host's services, reading options from the <c>Host</c> section. Kestrel binds
    /// <c>http://127.0.0.1:7071</c> unless <c>--urls</c>, <c>ASPNETCORE_URLS</c> or <c>Urls</c> say otherwise.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrEmpty(builder.Configuration["Urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:7071");
        }

        builder.Services.AddServerlessHost();
        return builder;
    }

    /// <summary>Registers the host's services.</summary>
    public static IServiceCollection AddServerlessHost(this IServiceCollection services)
    {
        services.AddOptions<StandaloneHostOptions>()
            .BindConfiguration(StandaloneHostOptions.Section)
            .Validate(o => o.Validate().Count == 0, "Invalid Host options")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StandaloneHostOptions>, OptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StorageRequestCounter>();
        services.AddSingleton<StorageAvailability>();
        services.AddSingleton<TaskHubStorage>();
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
        services.AddSingleton<PartitionLeaseBalancer>();
        services.AddHostedService(sp => sp.GetRequiredService<PartitionLeaseBalancer>());
        services.AddHealthChecks()
            .AddCheck<RuntimeHealthCheck>(HealthResponse.Runtime)
            .AddCheck<StorageHealthCheck>(HealthResponse.Storage);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(HostMetrics.MeterName)
            .AddPrometheusExporter());
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<StandaloneHostOptions>>((kestrel, options) =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            RequestLimits.ConfigureKestrel(kestrel, options.Value.MaxRequestTargetBytes, options.Value.MaxRequestHeadersBytes);
        });
        return services;
    }

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
        if (!string.IsNullOrEmpty(key))
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

    private sealed class OptionsValidator : IValidateOptions<StandaloneHostOptions>
    {
        public ValidateOptionsResult Validate(string? name, StandaloneHostOptions options)
        {
            var problems = options.Validate();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
