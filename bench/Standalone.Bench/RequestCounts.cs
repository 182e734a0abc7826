using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;

namespace Serverless.Standalone.Bench;

/// <summary>Storage requests sent so far, per service (retries included).</summary>
internal readonly record struct RequestCounts(long Tables, long Queues, long Blobs)
{
    /// <summary>The standalone host's counters, as <c>/healthz</c> shows them.</summary>
    public static RequestCounts FromHealth(JsonObject counters)
        => new(counters["tableRequests"]!.GetValue<long>(), counters["queueRequests"]!.GetValue<long>(), counters["blobRequests"]!.GetValue<long>());

    public static RequestCounts operator -(RequestCounts after, RequestCounts before)
        => new(after.Tables - before.Tables, after.Queues - before.Queues, after.Blobs - before.Blobs);

    /// <summary>Requests per step over a scenario of <paramref name="steps"/> steps that took <paramref name="seconds"/>.</summary>
    public string PerStep(int steps, double seconds) => string.Create(
        CultureInfo.InvariantCulture,
        $"{(double)Tables / steps:F2} table + {(double)Queues / steps:F2} queue + {(double)Blobs / steps:F2} blob per step (queue includes idle polling: {Queues / Math.Max(seconds, 0.001):F0}/s)");
}

/// <summary>
/// Counts the requests the Durable Task engine's Azure Storage provider sends, with a pipeline policy on its three
/// clients (as the standalone host counts its own).
/// </summary>
internal sealed class StorageRequestCounter
{
    private long _tables;
    private long _queues;
    private long _blobs;

    /// <summary>The counts so far.</summary>
    public RequestCounts Current => new(Interlocked.Read(ref _tables), Interlocked.Read(ref _queues), Interlocked.Read(ref _blobs));

    /// <summary>The provider's clients for <paramref name="connectionString"/>, default options plus the counting policy.</summary>
    public StorageAccountClientProvider ClientsFor(string connectionString)
    {
        var blobs = new BlobClientOptions();
        blobs.AddPolicy(new Counting(() => Interlocked.Increment(ref _blobs)), HttpPipelinePosition.PerRetry);
        var queues = new QueueClientOptions();
        queues.AddPolicy(new Counting(() => Interlocked.Increment(ref _queues)), HttpPipelinePosition.PerRetry);
        var tables = new TableClientOptions();
        tables.AddPolicy(new Counting(() => Interlocked.Increment(ref _tables)), HttpPipelinePosition.PerRetry);
        return new StorageAccountClientProvider(
            StorageServiceClientProvider.ForBlob(connectionString, blobs),
            StorageServiceClientProvider.ForQueue(connectionString, queues),
            StorageServiceClientProvider.ForTable(connectionString, tables));
    }

    private sealed class Counting(Func<long> increment) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            increment();
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            increment();
            return ProcessNextAsync(message, pipeline);
        }
    }
}
