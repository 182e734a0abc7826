using System.Globalization;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Serverless.Standalone.Storage;

/// <summary>
/// The task hub's storage: every table, queue and container name starts with the task hub name.
/// Tables <c>{hub}Instances</c>, <c>{hub}Definitions</c>, <c>{hub}Hosts</c>; queues <c>{hub}-control-NN</c> and
/// <c>{hub}-poison</c>; containers <c>{hub}-large</c> (large states, messages) and <c>{hub}-leases</c>.
/// </summary>
internal sealed class TaskHubStorage
{
    /// <summary>The task hub on service clients built from the options' account, each configured by <see cref="Configure{T}"/>.</summary>
    public TaskHubStorage(IOptions<StandaloneHostOptions> options, StorageRequestCounter counter, StorageAvailability? availability = null)
        : this(options, Clients(options.Value.Storage.Account(), counter, availability))
    {
    }

    /// <summary>The task hub on the given service clients (the host's, from <c>AddAzureClients</c>).</summary>
    public TaskHubStorage(IOptions<StandaloneHostOptions> options, (TableServiceClient Tables, QueueServiceClient Queues, BlobServiceClient Blobs) services)
    {
        var o = options.Value;
        TaskHub = o.Storage.TaskHub;
        Instances = services.Tables.GetTableClient(TaskHub + "Instances");
        Definitions = services.Tables.GetTableClient(TaskHub + "Definitions");
        Hosts = services.Tables.GetTableClient(TaskHub + "Hosts");
        ControlQueues = [.. Enumerable.Range(0, o.Partitions).Select(p => services.Queues.GetQueueClient($"{TaskHub}-control-{p.ToString("D2", CultureInfo.InvariantCulture)}"))];
        PoisonQueue = services.Queues.GetQueueClient(TaskHub + "-poison");
        Large = services.Blobs.GetBlobContainerClient(TaskHub + "-large");
        Leases = services.Blobs.GetBlobContainerClient(TaskHub + "-leases");
    }

    public string TaskHub { get; }

    public TableClient Instances { get; }

    public TableClient Definitions { get; }

    public TableClient Hosts { get; }

    public IReadOnlyList<QueueClient> ControlQueues { get; }

    public QueueClient PoisonQueue { get; }

    public BlobContainerClient Large { get; }

    public BlobContainerClient Leases { get; }

    /// <summary>Creates every table, queue and container that does not exist yet.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        var tasks = new List<Task>
        {
            Instances.CreateIfNotExistsAsync(cancellationToken),
            Definitions.CreateIfNotExistsAsync(cancellationToken),
            Hosts.CreateIfNotExistsAsync(cancellationToken),
            PoisonQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Large.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Leases.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
        };
        tasks.AddRange(ControlQueues.Select(q => q.CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
        await Task.WhenAll(tasks);
    }

    /// <summary>
    /// The client options every storage client of the host uses: the request counter and outage detector of
    /// <paramref name="service"/> (0 tables, 1 queues, 2 blobs), short retries, no SDK logging. Queue messages are sent
    /// as they are (no Base64).
    /// </summary>
    internal static T Configure<T>(T options, int service, StorageRequestCounter counter, StorageAvailability? availability) where T : ClientOptions
    {
        options.AddPolicy(counter.PolicyFor(service), HttpPipelinePosition.PerRetry);
        if (availability is not null)
        {
            options.AddPolicy(availability.PolicyFor(service), HttpPipelinePosition.PerRetry);
        }

        if (options is QueueClientOptions queue)
        {
            queue.MessageEncoding = QueueMessageEncoding.None;
        }

        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        // The host logs and measures storage itself; the SDK's per-request logging and tracing cost time on every step.
        options.Diagnostics.IsLoggingEnabled = false;
        options.Diagnostics.IsDistributedTracingEnabled = false;
        return options;
    }

    // Without DI (tests, tools): an identity-based account authenticates with DefaultAzureCredential.
    private static (TableServiceClient, QueueServiceClient, BlobServiceClient) Clients(StorageAccount account, StorageRequestCounter counter, StorageAvailability? availability)
    {
        TokenCredential? credential = account.UsesIdentity ? new DefaultAzureCredential() : null;
        return (
            account.CreateTableServiceClient(Configure(new TableClientOptions(), 0, counter, availability), credential),
            account.CreateQueueServiceClient(Configure(new QueueClientOptions(), 1, counter, availability), credential),
            account.CreateBlobServiceClient(Configure(new BlobClientOptions(), 2, counter, availability), credential));
    }
}
