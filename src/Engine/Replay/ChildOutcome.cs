using System.Text.Json;

namespace Serverless.Engine.Replay;

/// <summary>How a child ended.</summary>
/// <param name="Version">The version the child ran, when known.</param>
/// <param name="Output">The output when it completed.</param>
/// <param name="Error">The error when it failed or could not start.</param>
internal sealed record ChildOutcome(int? Version, JsonElement? Output, WorkflowError? Error)
{
    /// <summary>A completed child.</summary>
    public static ChildOutcome Completed(int version, JsonElement output) => new(version, output, null);

    /// <summary>A failed child.</summary>
    public static ChildOutcome Failed(int? version, WorkflowError error) => new(version, null, error);
}
