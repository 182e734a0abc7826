namespace Serverless.Engine.Replay;

/// <summary>A registered definition as an activity returns it to the orchestration.</summary>
/// <param name="Version">The version (resolved when the latest was asked for).</param>
/// <param name="Json">The document.</param>
internal sealed record DefinitionSnapshot(int Version, string Json);
