namespace Serverless.Engine.Registry;

/// <summary>A registered workflow and its latest version.</summary>
/// <param name="Name">The workflow name.</param>
/// <param name="LatestVersion">The latest version.</param>
/// <param name="UpdatedAt">When the latest version was registered.</param>
public sealed record DefinitionSummary(string Name, int LatestVersion, DateTimeOffset UpdatedAt);
