namespace Serverless.Engine.Execution;

/// <summary>What one hop (one request, no redirect followed) produced. Failures are values so Polly can count them.</summary>
internal sealed record HopResult(HopKind Kind)
{
    public int Status { get; init; }

    public string? ReasonPhrase { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public byte[] Body { get; init; } = [];

    public string? ContentType { get; init; }

    public Uri? Location { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public long? DeclaredLength { get; init; }

    public Exception? Exception { get; init; }

    public BlockedAddressException? Blocked { get; init; }

    /// <summary>Whether the circuit breaker counts this as a failure of the downstream host.</summary>
    public bool IsHostFailure => Kind switch
    {
        HopKind.TimedOut or HopKind.NetworkFailure => true,
        HopKind.Response => Status >= 500 || Status == 408,
        _ => false,
    };
}
