using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

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

internal enum HopKind
{
    Response,
    Redirect,
    TooLarge,
    TimedOut,
    NetworkFailure,
    Blocked,
}

/// <summary>One downstream host (scheme, host, port): its concurrency slots and its circuit breaker.</summary>
internal sealed class DownstreamHost(string name, int slots, ResiliencePipeline<HopResult> pipeline) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(slots, slots);
    private int _waiting;

    public string Name { get; } = name;

    public ResiliencePipeline<HopResult> Pipeline { get; } = pipeline;

    /// <summary>Requests waiting for a slot right now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Free slots right now.</summary>
    public int FreeSlots => _slots.CurrentCount;

    /// <summary>
    /// True once the host answered HTTP/1.0 without <c>Connection: keep-alive</c>: it closes each connection after
    /// its answer, so its requests go on new connections instead of pooled ones.
    /// </summary>
    public bool ClosesConnections
    {
        get => Volatile.Read(ref _closesConnections);
        set => Volatile.Write(ref _closesConnections, value);
    }

    private bool _closesConnections;

    public async Task EnterAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    public void Exit() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}

/// <summary>The downstream hosts this process has called, each with its own limiter and circuit breaker.</summary>
internal sealed class DownstreamHosts(HttpNodeOptions options, TimeProvider timeProvider, ILogger logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<DownstreamHost>> _hosts = new(StringComparer.Ordinal);

    public static string KeyOf(Uri uri) =>
        string.Create(CultureInfo.InvariantCulture, $"{uri.Scheme}://{uri.IdnHost.ToLowerInvariant()}:{uri.Port}");

    public DownstreamHost Get(Uri uri) =>
        _hosts.GetOrAdd(KeyOf(uri), key => new Lazy<DownstreamHost>(() => Create(key))).Value;

    public void Dispose()
    {
        foreach (var host in _hosts.Values.Where(h => h.IsValueCreated))
        {
            host.Value.Dispose();
        }
    }

    private DownstreamHost Create(string key)
    {
        var breaker = options.CircuitBreaker;
        if (!breaker.Enabled)
        {
            return new DownstreamHost(key, options.MaxConcurrencyPerHost, ResiliencePipeline<HopResult>.Empty);
        }

        var pipeline = new ResiliencePipelineBuilder<HopResult> { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HopResult>
            {
                FailureRatio = breaker.FailureRatio,
                MinimumThroughput = breaker.MinimumThroughput,
                SamplingDuration = breaker.SamplingDuration,
                BreakDuration = breaker.BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex ? ex is not OperationCanceledException : args.Outcome.Result!.IsHostFailure),
                OnOpened = args =>
                {
                    Log.CircuitOpened(logger, key, args.BreakDuration);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    Log.CircuitHalfOpened(logger, key);
                    return default;
                },
                OnClosed = _ =>
                {
                    Log.CircuitClosed(logger, key);
                    return default;
                },
            })
            .Build();
        return new DownstreamHost(key, options.MaxConcurrencyPerHost, pipeline);
    }
}
