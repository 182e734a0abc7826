using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Engine.Api;
using Serverless.Engine.Execution;
using Serverless.Engine.Replay;
using Serverless.Engine.Registry;
using Serverless.DurableTask;
using Serverless.DurableTask.Storage;
using Serverless.Standalone.Storage;
using Serverless.HttpApi;

namespace Serverless.FunctionApp;

/// <summary>Registers the engine, the definitions table and the checkpoint container for the Functions app.</summary>
internal static class ServiceCollectionExtensions
{
    /// <summary>The configuration section of the app's own settings (<c>Workflows__*</c> app settings).</summary>
    public const string Section = "Workflows";

    public static IServiceCollection AddServerlessWorkflows(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<FunctionAppOptions>() ?? new FunctionAppOptions();
        options.Validate();
        var storage = StorageClients.FromConfiguration(configuration);

        services.AddSingleton(options);
        services.AddSingleton(new WorkflowApiOptions
        {
            MaxPayloadBytes = options.MaxPayloadBytes,
            StatusRetryAfterSeconds = options.StatusRetryAfterSeconds,
        });
        services.AddSingleton(options.Orchestration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IDefinitionStore>(_ =>
        {
            var table = storage.Tables.GetTableClient(options.DefinitionsTable);
            table.CreateIfNotExists();
            return new TableDefinitionStore(table);
        });
        services.AddSingleton<ICheckpointStore>(_ =>
        {
            var container = storage.Blobs.GetBlobContainerClient(options.CheckpointContainer);
            container.CreateIfNotExists();
            return new BlobCheckpointStore(container);
        });
        // One compiler for the HTTP API, the orchestrator and the node activity: the limits a definition registered
        // under are the limits it runs under.
        services.AddSingleton(new WorkflowCompiler(options.DefinitionLimits, options.PlanOptions));
        services.AddSingleton(sp => new DefinitionRegistry(
            sp.GetRequiredService<IDefinitionStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<WorkflowCompiler>()));
        services.AddSingleton<IDefinitionSource>(sp => new DefinitionStoreSource(sp.GetRequiredService<IDefinitionStore>()));
        services.AddSingleton<WorkflowActivities>();
        services.AddWorkflowExecutors(executors => configuration.GetSection($"{Section}:Executors").Bind(executors));
        return services;
    }
}

/// <summary>Clients for the app's storage account, built the way the Functions host reads <c>AzureWebJobsStorage</c>.</summary>
/// <param name="Tables">The table service.</param>
/// <param name="Blobs">The blob service.</param>
internal sealed record StorageClients(TableServiceClient Tables, BlobServiceClient Blobs)
{
    /// <summary>
    /// A connection string in <c>AzureWebJobsStorage</c> (Azurite: <c>UseDevelopmentStorage=true</c>), or the
    /// identity-based form: <c>AzureWebJobsStorage__tableServiceUri</c>, <c>__blobServiceUri</c>, <c>__credential</c>
    /// = <c>managedidentity</c> and <c>__clientId</c> of the user-assigned identity.
    /// </summary>
    public static StorageClients FromConfiguration(IConfiguration configuration)
    {
        var connection = configuration["AzureWebJobsStorage"];
        if (!string.IsNullOrWhiteSpace(connection))
        {
            return new StorageClients(new TableServiceClient(connection), new BlobServiceClient(connection));
        }

        var section = configuration.GetSection("AzureWebJobsStorage");
        var tableUri = section["tableServiceUri"];
        var blobUri = section["blobServiceUri"];
        if (string.IsNullOrWhiteSpace(tableUri) || string.IsNullOrWhiteSpace(blobUri))
        {
            throw new InvalidOperationException(
                "Storage is not configured: set AzureWebJobsStorage to a connection string (UseDevelopmentStorage=true for Azurite), " +
                "or AzureWebJobsStorage__tableServiceUri and AzureWebJobsStorage__blobServiceUri for an identity-based connection.");
        }

        TokenCredential credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = section["clientId"],
        });
        return new StorageClients(new TableServiceClient(new Uri(tableUri), credential), new BlobServiceClient(new Uri(blobUri), credential));
    }
}
