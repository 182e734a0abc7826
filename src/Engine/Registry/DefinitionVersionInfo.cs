namespace Serverless.Engine.Registry;

/// <summary>A version of a workflow without its document.</summary>
/// <param name="Version">The version.</param>
/// <param name="CreatedAt">When it was registered.</param>
public sealed record DefinitionVersionInfo(int Version, DateTimeOffset CreatedAt);
