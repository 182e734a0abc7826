using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Serverless.Standalone.Storage;

/// <summary>
/// How a host reaches its storage account: a connection string, or the service endpoints of an identity-based
/// connection whose clients authenticate with a <see cref="TokenCredential"/>. Both hosts build their clients here,
/// through <c>AddAzureClients</c>.
/// </summary>
/// <param name="ConnectionString">The connection string, or null for an identity-based connection.</param>
/// <param name="TableServiceUri">The table endpoint of an identity-based connection.</param>
/// <param name="QueueServiceUri">The queue endpoint of an identity-based connection.</param>
/// <param name="BlobServiceUri">The blob endpoint of an identity-based connection.</param>
internal sealed record StorageAccount(string? ConnectionString, Uri? TableServiceUri, Uri? QueueServiceUri, Uri? BlobServiceUri)
{
    /// <summary>Whether the clients authenticate with a token credential rather than a connection string.</summary>
    public bool UsesIdentity => ConnectionString is null;

    /// <summary>An account reached with a connection string (<c>UseDevelopmentStorage=true</c> for Azurite).</summary>
    public static StorageAccount WithConnectionString(string connectionString) => new(connectionString, null, null, null);

    /// <summary>
    /// An identity-based connection: each endpoint as given, else <c>https://{accountName}.{service}.core.windows.net</c>.
    /// </summary>
    public static StorageAccount WithIdentity(string? accountName, Uri? tableServiceUri, Uri? queueServiceUri, Uri? blobServiceUri) => new(
        null,
        tableServiceUri ?? Endpoint(accountName, "table"),
        queueServiceUri ?? Endpoint(accountName, "queue"),
        blobServiceUri ?? Endpoint(accountName, "blob"));

    /// <summary>
    /// The account a section in the Functions host's format names (<c>AzureWebJobsStorage</c>): a connection string as
    /// its value, or the identity-based keys <c>accountName</c>, <c>tableServiceUri</c>, <c>queueServiceUri</c>,
    /// <c>blobServiceUri</c>. Null when the section names none.
    /// </summary>
    public static StorageAccount? FromSection(Microsoft.Extensions.Configuration.IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            return WithConnectionString(section.Value);
        }

        var accountName = section["accountName"];
        Uri? table = UriOrNull(section["tableServiceUri"]), queue = UriOrNull(section["queueServiceUri"]), blob = UriOrNull(section["blobServiceUri"]);
        return string.IsNullOrWhiteSpace(accountName) && table is null && queue is null && blob is null
            ? null
            : WithIdentity(string.IsNullOrWhiteSpace(accountName) ? null : accountName, table, queue, blob);
    }

    /// <summary>The table service client.</summary>
    public TableServiceClient CreateTableServiceClient(TableClientOptions options, TokenCredential? credential) =>
        ConnectionString is { } connection
            ? new TableServiceClient(connection, options)
            : new TableServiceClient(Required(TableServiceUri, "table"), Required(credential), options);

    /// <summary>The queue service client.</summary>
    public QueueServiceClient CreateQueueServiceClient(QueueClientOptions options, TokenCredential? credential) =>
        ConnectionString is { } connection
            ? new QueueServiceClient(connection, options)
            : new QueueServiceClient(Required(QueueServiceUri, "queue"), Required(credential), options);

    /// <summary>The blob service client.</summary>
    public BlobServiceClient CreateBlobServiceClient(BlobClientOptions options, TokenCredential? credential) =>
        ConnectionString is { } connection
            ? new BlobServiceClient(connection, options)
            : new BlobServiceClient(Required(BlobServiceUri, "blob"), Required(credential), options);

    private static Uri? Endpoint(string? accountName, string service) =>
        accountName is null ? null : new Uri($"https://{accountName}.{service}.core.windows.net");

    private static Uri? UriOrNull(string? value) => string.IsNullOrWhiteSpace(value) ? null : new Uri(value, UriKind.Absolute);

    private static Uri Required(Uri? uri, string service) =>
        uri ?? throw new InvalidOperationException($"The {service} service endpoint of the identity-based storage connection is not set.");

    private static TokenCredential Required(TokenCredential? credential) =>
        credential ?? throw new InvalidOperationException("An identity-based storage connection needs a token credential.");
}
