using System.Collections.Immutable;

namespace Serverless.Engine.Definitions;

/// <summary>One retrier. Defaults are the format's: errors ALL, 3 attempts, PT1S, backoff 2.0, PT1H max, full jitter.</summary>
/// <param name="Errors">Error matchers: a type, <c>HttpError:503</c>, <c>HttpError:4xx</c>, <c>HttpError:5xx</c> or <c>ALL</c>.</param>
/// <param name="MaxAttempts">Attempts of what it matches, the first included.</param>
/// <param name="Interval">The first delay.</param>
/// <param name="Backoff">The delay multiplier per retry.</param>
/// <param name="MaxInterval">Cap of a delay; a Retry-After beyond it fails the node.</param>
/// <param name="Jitter">Randomization of the delay.</param>
internal sealed record RetryPolicy(
    ImmutableArray<string> Errors,
    int MaxAttempts,
    TimeSpan Interval,
    double Backoff,
    TimeSpan MaxInterval,
    JitterKind Jitter)
{
    /// <summary>A retrier with every field at its default.</summary>
    public static RetryPolicy Default { get; } =
        new(["ALL"], 3, TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromHours(1), JitterKind.Full);
}
