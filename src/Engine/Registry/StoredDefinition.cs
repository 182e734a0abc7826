namespace Serverless.Engine.Registry;

/// <summary>One registered version of a workflow definition.</summary>
/// <param name="Name">The workflow name.</param>
/// <param name="Version">The version, from 1.</param>
/// <param name="Json">The document as registered (UTF-16 text).</param>
/// <param name="CreatedAt">When the version was registered.</param>
public sealed record StoredDefinition(string Name, int Version, string Json, DateTimeOffset CreatedAt);
