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
