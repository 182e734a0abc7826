using System.Text.Json;
using Serverless.Engine.Registry;

namespace Serverless.Engine.Replay;

/// <summary>
/// Where a durable orchestration's checkpoints go (written by an activity, read by the HTTP API): the per-node detail of
/// an instance and the state a rerun starts from. One checkpoint per instance; the newest wins.
/// </summary>
internal interface ICheckpointStore
{
    /// <summary>Saves <paramref name="checkpoint"/> as the newest for <paramref name="instanceId"/>.</summary>
    Task SaveAsync(string instanceId, Continuation checkpoint, CancellationToken cancellationToken);

    /// <summary>The newest checkpoint, or null when there is none.</summary>
    Task<Continuation?> LoadAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Deletes the checkpoint (when the instance is purged).</summary>
    Task DeleteAsync(string instanceId, CancellationToken cancellationToken);
}

/// <summary>The JSON form of checkpoints in a store.</summary>
internal static class CheckpointJson
{
    /// <summary>Serializes a checkpoint.</summary>
    public static byte[] Serialize(Continuation checkpoint) => JsonSerializer.SerializeToUtf8Bytes(checkpoint, JsonSerializerOptions.Web);

    /// <summary>Reads a checkpoint.</summary>
    public static Continuation Deserialize(ReadOnlySpan<byte> utf8)
        => JsonSerializer.Deserialize<Continuation>(utf8, JsonSerializerOptions.Web) ?? throw new JsonException("The checkpoint is JSON null.");
}

/// <summary>An <see cref="IDefinitionSource"/> over the registry's <see cref="IDefinitionStore"/>.</summary>
internal sealed class DefinitionStoreSource : IDefinitionSource
{
    private readonly IDefinitionStore _store;

    /// <summary>Reads from <paramref name="store"/>.</summary>
    public DefinitionStoreSource(IDefinitionStore store) => _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <inheritdoc/>
    public async Task<DefinitionSnapshot?> GetAsync(string workflow, int? version, CancellationToken cancellationToken)
    {
        var stored = version is { } v
            ? await _store.GetAsync(workflow, v, cancellationToken)
            : await _store.GetLatestAsync(workflow, cancellationToken);
        return stored is null ? null : new DefinitionSnapshot(stored.Version, stored.Json);
    }
}
