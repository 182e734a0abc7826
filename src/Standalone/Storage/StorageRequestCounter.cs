using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.Standalone.Storage;

/// <summary>Counts the requests the host sends to Azure Storage, per service (for metrics, <c>/healthz</c> and the bench).</summary>
internal sealed class StorageRequestCounter
{
    private readonly long[] _counts = new long[3];

    /// <summary>Table requests sent (retries included).</summary>
    public long Tables => Interlocked.Read(ref _counts[0]);

    /// <summary>Queue requests sent.</summary>
    public long Queues => Interlocked.Read(ref _counts[1]);

    /// <summary>Blob requests sent.</summary>
    public long Blobs => Interlocked.Read(ref _counts[2]);

    /// <summary>All requests sent.</summary>
    public long Total => Tables + Queues + Blobs;

    /// <summary>A pipeline policy counting into one service's counter: 0 tables, 1 queues, 2 blobs.</summary>
    public HttpPipelinePolicy PolicyFor(int service) => new Policy(this, service);

    private sealed class Policy(StorageRequestCounter owner, int service) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Interlocked.Increment(ref owner._counts[service]);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Interlocked.Increment(ref owner._counts[service]);
            return ProcessNextAsync(message, pipeline);
        }
    }
}
