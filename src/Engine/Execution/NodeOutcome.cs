using System.Text.Json;

namespace Serverless.Engine.Execution;

/// <summary>What one attempt of node work produced. Failures are values, not exceptions.</summary>
internal abstract record NodeOutcome
{
    private protected NodeOutcome() { }

    /// <summary>The attempt succeeded with <paramref name="output"/>.</summary>
    public static NodeOutcome Success(JsonElement output) => new Succeeded(output);

    /// <summary>The attempt failed with <paramref name="error"/>; <paramref name="retryAfter"/> is a floor for the next delay.</summary>
    public static NodeOutcome Failure(WorkflowError error, TimeSpan? retryAfter = null) => new Failed(error, retryAfter);

    /// <summary>A successful attempt.</summary>
    public sealed record Succeeded(JsonElement Output) : NodeOutcome;

    /// <summary>A failed attempt.</summary>
    public sealed record Failed(WorkflowError Error, TimeSpan? RetryAfter) : NodeOutcome;
}
