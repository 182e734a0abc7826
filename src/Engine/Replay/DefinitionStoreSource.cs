using Serverless.Engine.Registry;

namespace Serverless.Engine.Replay;

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
