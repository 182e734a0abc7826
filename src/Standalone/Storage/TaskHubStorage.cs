using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
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
    public TaskHubStorage(IOptions<StandaloneHostOptions> options, StorageRequestCounter counter, StorageAvailability? availability = null)
    {
        var o = options.Value;
        TaskHub = o.Storage.TaskHub;
        var connection = o.Storage.ConnectionString;
        var tableService = new TableServiceClient(connection, Configure(new TableClientOptions(), counter.PolicyFor(0), availability?.PolicyFor(0)));
        var queueService = new QueueServiceClient(connection, Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }, counter.PolicyFor(1), availability?.PolicyFor(1)));
        var blobService = new BlobServiceClient(connection, Configure(new BlobClientOptions(), counter.PolicyFor(2), availability?.PolicyFor(2)));
        Instances = tableService.GetTableClient(TaskHub + "Instances");
        Definitions = tableService.GetTableClient(TaskHub + "Definitions");
        Hosts = tableService.GetTableClient(TaskHub + "Hosts");
        ControlQueues = [.. Enumerable.Range(0, o.Partitions).Select(p => queueService.GetQueueClient($"{TaskHub}-control-{p.ToString("D2", CultureInfo.InvariantCulture)}"))];
        PoisonQueue = queueService.GetQueueClient(TaskHub + "-poison");
        Large = blobService.GetBlobContainerClient(TaskHub + "-large");
        Leases = blobService.GetBlobContainerClient(TaskHub + "-leases");
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

    private static T Configure<T>(T options, Azure.Core.Pipeline.HttpPipelinePolicy counter, Azure.Core.Pipeline.HttpPipelinePolicy? availability) where T : ClientOptions
    {
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        if (availability is not null)
        {
            options.AddPolicy(availability, HttpPipelinePosition.PerRetry);
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
}
