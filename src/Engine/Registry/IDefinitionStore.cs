namespace Serverless.Engine.Registry;

/// <summary>One registered version of a workflow definition.</summary>
/// <param name="Name">The workflow name.</param>
/// <param name="Version">The version, from 1.</param>
/// <param name="Json">The document as registered (UTF-16 text).</param>
/// <param name="CreatedAt">When the version was registered.</param>
public sealed record StoredDefinition(string Name, int Version, string Json, DateTimeOffset CreatedAt);

/// <summary>A registered workflow and its latest version.</summary>
/// <param name="Name">The workflow name.</param>
/// <param name="LatestVersion">The latest version.</param>
/// <param name="UpdatedAt">When the latest version was registered.</param>
public sealed record DefinitionSummary(string Name, int LatestVersion, DateTimeOffset UpdatedAt);

/// <summary>A version of a workflow without its document.</summary>
/// <param name="Version">The version.</param>
/// <param name="CreatedAt">When it was registered.</param>
public sealed record DefinitionVersionInfo(int Version, DateTimeOffset CreatedAt);

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
