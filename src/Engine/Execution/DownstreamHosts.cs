using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace Serverless.Engine.Execution;

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
