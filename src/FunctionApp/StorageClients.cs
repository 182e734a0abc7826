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
