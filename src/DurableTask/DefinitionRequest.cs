namespace Serverless.DurableTask;

/// <summary>Input of <see cref="TaskNames.LoadDefinition"/> and <see cref="TaskNames.ResolveVersion"/>.</summary>
/// <param name="Workflow">The workflow name.</param>
/// <param name="Version">The version; null for the latest.</param>
internal sealed record DefinitionRequest(string Workflow, int? Version);
