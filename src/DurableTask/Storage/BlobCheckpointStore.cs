using Azure;
using Azure.Storage.Blobs;
using Serverless.Engine.Hosting;

namespace Serverless.DurableTask.Storage;

/// <summary><see cref="ICheckpointStore"/> on a blob container: one blob per instance, overwritten by each checkpoint.</summary>
public sealed class BlobCheckpointStore : ICheckpointStore
{
    private readonly BlobContainerClient _container;

    /// <summary>Keeps checkpoints in <paramref name="container"/>.</summary>
    public BlobCheckpointStore(BlobContainerClient container) => _container = container ?? throw new ArgumentNullException(nameof(container));

    /// <inheritdoc/>
    public async Task SaveAsync(string instanceId, Continuation checkpoint, CancellationToken cancellationToken)
        => await Blob(instanceId).UploadAsync(new BinaryData(CheckpointJson.Serialize(checkpoint)), overwrite: true, cancellationToken);

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

    // Instance ids may hold characters blob names treat specially; hex keeps one flat, reversible name per id.
    private BlobClient Blob(string instanceId) => _container.GetBlobClient(Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(instanceId)) + ".json");
}
