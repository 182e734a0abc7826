namespace Serverless.HttpApi;

/// <summary>What an instance id is already taken by when a start differs from it.</summary>
/// <param name="Workflow">The existing instance's workflow; null when it cannot be read (not a workflow instance).</param>
/// <param name="Version">The existing instance's version; null when it cannot be read.</param>
internal sealed record StartConflict(string? Workflow, int? Version);
