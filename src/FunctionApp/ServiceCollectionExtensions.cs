using Azure.Core;
using Azure.Data.Tables;
using Azure.Monitor.OpenTelemetry.Exporter;
using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.DurableTask;
using Serverless.DurableTask.Storage;
using Serverless.Engine.Execution;
using Serverless.Engine.Registry;
using Serverless.Engine.Replay;
using Serverless.Engine.Telemetry;
using Serverless.HttpApi;
using Serverless.Standalone.Storage;

namespace Serverless.FunctionApp;

/// <summary>Registers the engine, the definitions table and the checkpoint container for the Functions app.</summary>
internal static class ServiceCollectionExtensions
{
    /// <summary>The configuration section of the app's own settings (<c>Workflows__*</c> app settings).</summary>
    public const string Section = "Workflows";

    /// <summary>The configuration section of the app's storage account, as the Functions host reads it.</summary>
    public const string StorageSection = "AzureWebJobsStorage";

    /// <summary>The Application Insights connection string; the Azure Monitor exporter is added when it is set.</summary>
    public const string ApplicationInsightsConnectionString = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// How the Functions host authenticates to Application Insights: <c>Authorization=AAD</c> (with <c>ClientId=</c> of a
    /// user-assigned identity) for Entra authentication, as the Bicep sets it.
    /// </summary>
    public const string ApplicationInsightsAuthenticationString = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public static IServiceCollection AddServerlessWorkflows(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FunctionAppOptions>().Bind(configuration.GetSection(Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FunctionAppOptions>, FunctionAppOptionsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<FunctionAppOptions>>().Value);
        services.AddStorageClients(configuration);

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<FunctionAppOptions>();
            return new WorkflowApiOptions { MaxPayloadBytes = options.MaxPayloadBytes, StatusRetryAfterSeconds = options.StatusRetryAfterSeconds };
        });
        services.AddSingleton(sp => sp.GetRequiredService<FunctionAppOptions>().Orchestration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IDefinitionStore>(sp =>
        {
            var table = sp.GetRequiredService<TableServiceClient>().GetTableClient(sp.GetRequiredService<FunctionAppOptions>().DefinitionsTable);
            table.CreateIfNotExists();
            return new TableDefinitionStore(table);
        });
        services.AddSingleton<ICheckpointStore>(sp =>
        {
            var container = sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(sp.GetRequiredService<FunctionAppOptions>().CheckpointContainer);
            container.CreateIfNotExists();
            return new BlobCheckpointStore(container);
        });
        // One compiler for the HTTP API, the orchestrator and the node activity: the limits a definition registered
        // under are the limits it runs under.
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<FunctionAppOptions>();
            return new WorkflowCompiler(options.DefinitionLimits, options.PlanOptions);
        });
        services.AddSingleton(sp => new DefinitionRegistry(
            sp.GetRequiredService<IDefinitionStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<WorkflowCompiler>()));
        services.AddSingleton<IDefinitionSource>(sp => new DefinitionStoreSource(sp.GetRequiredService<IDefinitionStore>()));
        services.AddSingleton<WorkflowActivities>();
        services.AddWorkflowExecutors(executors => configuration.GetSection($"{Section}:Executors").Bind(executors));
        services.AddOptions<TraceOptions>().Bind(configuration.GetSection($"{Section}:Telemetry"));
        return services;
    }

    /// <summary>
    /// The worker's OpenTelemetry: the Functions worker's defaults (its resource and invocation spans, which
    /// <c>"telemetryMode": "OpenTelemetry"</c> in host.json hands over from the host), the workflow spans and metrics with
    /// the OTLP and console exporters the standard variables ask for, and Azure Monitor when
    /// <see cref="ApplicationInsightsConnectionString"/> is set, with a managed identity credential when
    /// <see cref="ApplicationInsightsAuthenticationString"/> asks for Entra authentication (local authentication is off
    /// on the Bicep's Application Insights).
    /// </summary>
    public static IServiceCollection AddFunctionsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var telemetry = services.AddOpenTelemetry();
        telemetry.UseFunctionsWorkerDefaults();
        telemetry.AddWorkflowTelemetry(configuration);
        if (string.IsNullOrWhiteSpace(configuration[ApplicationInsightsConnectionString]))
        {
            return services;
        }

        telemetry.UseAzureMonitorExporter();
        if (EntraCredentialSection(configuration[ApplicationInsightsAuthenticationString]) is { } section)
        {
            services.AddOptions<AzureMonitorExporterOptions>()
                .Configure<AzureComponentFactory>((options, factory) => options.Credential ??= factory.CreateTokenCredential(section));
        }

        return services;
    }

    /// <summary>
    /// The credential settings (<c>credential</c> = <c>managedidentity</c>, <c>clientId</c>) an Application Insights
    /// authentication string asks for, in the form Microsoft.Extensions.Azure reads them; null unless it says
    /// <c>Authorization=AAD</c>.
    /// </summary>
    internal static IConfigurationSection? EntraCredentialSection(string? authenticationString)
    {
        var parts = (authenticationString ?? "")
            .Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var settings = new Dictionary<string, string?> { ["ApplicationInsights:credential"] = "managedidentity" };
        if (parts.TryGetValue("ClientId", out var clientId) && !string.IsNullOrEmpty(clientId))
        {
            settings["ApplicationInsights:clientId"] = clientId;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("ApplicationInsights");
    }

    /// <summary>
    /// The table and blob service clients of the app's storage account, through Microsoft.Extensions.Azure, read the way
    /// the Functions host reads <c>AzureWebJobsStorage</c>: a connection string (Azurite: <c>UseDevelopmentStorage=true</c>),
    /// or the identity-based form: <c>AzureWebJobsStorage__accountName</c> or <c>__tableServiceUri</c> and
    /// <c>__blobServiceUri</c>, with <c>__credential</c> = <c>managedidentity</c> and <c>__clientId</c> of a
    /// user-assigned identity (<c>DefaultAzureCredential</c> without them).
    /// </summary>
    private static void AddStorageClients(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(StorageSection);
        var account = StorageAccount.FromSection(section) ?? throw new InvalidOperationException(
            "Storage is not configured: set AzureWebJobsStorage to a connection string (UseDevelopmentStorage=true for Azurite), " +
            "or AzureWebJobsStorage__accountName (or __tableServiceUri and __blobServiceUri) for an identity-based connection.");
        // One credential for both clients (one token cache). Not UseCredential: the component factory falls back to the
        // global credential when the section names none, which would be this factory again.
        services.AddKeyedSingleton(StorageSection, (sp, _) => sp.GetRequiredService<AzureComponentFactory>().CreateTokenCredential(section));
        services.AddAzureClients(clients =>
        {
            clients.AddClient<TableServiceClient, TableClientOptions>((options, credential) => account.CreateTableServiceClient(options, credential))
                .WithCredential(Credential);
            clients.AddClient<BlobServiceClient, BlobClientOptions>((options, credential) => account.CreateBlobServiceClient(options, credential))
                .WithCredential(Credential);
        });

        static TokenCredential Credential(IServiceProvider sp) => sp.GetRequiredKeyedService<TokenCredential>(StorageSection);
    }
}
