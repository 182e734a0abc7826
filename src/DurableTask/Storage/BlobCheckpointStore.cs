using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Serverless.Engine.Replay;

namespace Serverless.DurableTask.Storage;

/// <summary>
/// <see cref="ICheckpointStore"/> on a blob container: one blob per instance, replaced only by a newer checkpoint. The
/// orchestration saves checkpoints through activities, which may finish in any order, so each blob records the
/// checkpoint's generation and sequence in its metadata and an older checkpoint never replaces a newer one.
/// </summary>
internal sealed class BlobCheckpointStore : ICheckpointStore
{
    private const string GenerationKey = "generation";
    private const string SequenceKey = "sequence";

    private readonly BlobContainerClient _container;

    /// <summary>Keeps checkpoints in <paramref name="container"/>.</summary>
    public BlobCheckpointStore(BlobContainerClient container) => _container = container ?? throw new ArgumentNullException(nameof(container));

    /// <inheritdoc/>
    public async Task SaveAsync(string instanceId, Continuation checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var blob = Blob(instanceId);
        var content = new BinaryData(CheckpointJson.Serialize(checkpoint));
        var metadata = new Dictionary<string, string>
        {
            [GenerationKey] = checkpoint.Generation.ToString(CultureInfo.InvariantCulture),
            [SequenceKey] = checkpoint.Sequence.ToString(CultureInfo.InvariantCulture),
        };

        while (true)
        {
            BlobProperties? stored = null;
            try
            {
                stored = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // None yet.
            }

            if (stored is not null && Order(stored.Metadata).CompareTo((checkpoint.Generation, checkpoint.Sequence)) >= 0)
            {
                return;
            }

            var conditions = stored is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = stored.ETag };
            try
            {
                await blob.UploadAsync(content, new BlobUploadOptions { Metadata = metadata, Conditions = conditions }, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another checkpoint landed in between: compare with it.
            }
        }
    }

    /// <inheritdoc/>
    public async Task<Continuation?> LoadAsync(string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            var content = await Blob(instanceId).DownloadContentAsync(cancellationToken);
            return CheckpointJson.Deserialize(content.Value.Content.ToMemory().Span);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string instanceId, CancellationToken cancellationToken)
        => await Blob(instanceId).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    // A blob written before checkpoints were ordered has no metadata: any checkpoint replaces it.
    private static (int Generation, long Sequence) Order(IDictionary<string, string> metadata) =>
        metadata.TryGetValue(GenerationKey, out var generation) && metadata.TryGetValue(SequenceKey, out var sequence)
            ? (int.Parse(generation, CultureInfo.InvariantCulture), long.Parse(sequence, CultureInfo.InvariantCulture))
            : (int.MinValue, long.MinValue);

    // Instance ids may hold characters blob names treat specially; hex keeps one flat, reversible name per id.
    private BlobClient Blob(string instanceId) => _container.GetBlobClient(Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(instanceId)) + ".json");
}
