using Polly;

namespace Serverless.Engine.Execution;

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
