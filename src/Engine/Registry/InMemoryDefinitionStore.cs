namespace Serverless.Engine.Registry;

/// <summary>A thread-safe <see cref="IDefinitionStore"/> in memory, for tests and single-process hosts.</summary>
public sealed class InMemoryDefinitionStore : IDefinitionStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, List<StoredDefinition>> _byName = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Task<StoredDefinition?> GetLatestAsync(string name, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_byName.TryGetValue(name, out var versions) ? versions[^1] : null);
        }
    }

    /// <inheritdoc/>
    public Task<StoredDefinition?> GetAsync(string name, int version, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(
                _byName.TryGetValue(name, out var versions) && version >= 1 && version <= versions.Count ? versions[version - 1] : null);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<DefinitionVersionInfo>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<DefinitionVersionInfo> result = _byName.TryGetValue(name, out var versions)
                ? [.. versions.Select(v => new DefinitionVersionInfo(v.Version, v.CreatedAt))]
                : [];
            return Task.FromResult(result);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<DefinitionSummary>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<DefinitionSummary> result =
                [.. _byName.Values.Select(v => new DefinitionSummary(v[^1].Name, v[^1].Version, v[^1].CreatedAt))];
            return Task.FromResult(result);
        }
    }

    /// <inheritdoc/>
    public Task<bool> TryAddAsync(StoredDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        lock (_gate)
        {
            if (!_byName.TryGetValue(definition.Name, out var versions))
            {
                versions = [];
                _byName[definition.Name] = versions;
            }

            if (definition.Version != versions.Count + 1)
            {
                return Task.FromResult(false);
            }

            versions.Add(definition);
            return Task.FromResult(true);
        }
    }
}
