using System.Text.Json;

namespace Serverless.Engine.Testing;

/// <summary>What a test activity returns: an outcome, after an optional virtual duration.</summary>
public sealed record ActivityResult
{
    private ActivityResult() { }

    /// <summary>The output on success.</summary>
    public JsonElement? Output { get; private init; }

    /// <summary>The error on failure.</summary>
    public WorkflowError? Error { get; private init; }

    /// <summary>A Retry-After hint with the failure.</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>How long the work takes in virtual time.</summary>
    public TimeSpan Duration { get; private init; }

    /// <summary>True when the work never reports back.</summary>
    public bool Hangs { get; private init; }

    /// <summary>Succeeds with <paramref name="output"/>.</summary>
    public static ActivityResult Success(JsonElement output, TimeSpan duration = default) => new() { Output = output, Duration = duration };

    /// <summary>Fails with <paramref name="error"/>.</summary>
    public static ActivityResult Failure(WorkflowError error, TimeSpan? retryAfter = null, TimeSpan duration = default)
        => new() { Error = error, RetryAfter = retryAfter, Duration = duration };

    /// <summary>Never reports back (for attempt timeouts).</summary>
    public static ActivityResult Hang() => new() { Hangs = true };
}
