namespace Serverless.Engine.Registry;

/// <summary>
/// Stores workflow definitions by name and version. Versions are immutable once added; the latest version of a name
/// moves only through <see cref="TryAddAsync"/>, which adds exactly the next version or nothing.
/// </summary>
public interface IDefinitionStore
{
    /// <summary>The latest version of <paramref name="name"/>, or null when the name is unknown.</summary>
    Task<StoredDefinition?> GetLatestAsync(string name, CancellationToken cancellationToken);

    /// <summary>One version, or null when it does not exist.</summary>
    Task<StoredDefinition?> GetAsync(string name, int version, CancellationToken cancellationToken);

    /// <summary>Every version of <paramref name="name"/>, ascending; empty when the name is unknown.</summary>
    Task<IReadOnlyList<DefinitionVersionInfo>> ListVersionsAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every registered workflow with its latest version, ordered by name.</summary>
    Task<IReadOnlyList<DefinitionSummary>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Adds <paramref name="definition"/> as the new latest version. Succeeds only when its version is exactly one more
    /// than the current latest (1 for a new name); returns false when another writer got there first.
    /// </summary>
    Task<bool> TryAddAsync(StoredDefinition definition, CancellationToken cancellationToken);
}
