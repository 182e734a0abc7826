namespace Serverless.Standalone.Storage;

/// <summary>
/// In-process change signals per instance: <see cref="InstanceStore"/> signals every write of an instance's row, and
/// status long-polls wait here. Only writes of this process are seen; a waiter reads again at an interval besides.
/// </summary>
internal sealed class InstanceChanges
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Waiters> _waiters = new(StringComparer.Ordinal);

    /// <summary>
    /// Completes at the next <see cref="Changed"/> of <paramref name="instanceId"/>. Registered when the call returns,
    /// so a change right after it is not missed.
    /// </summary>
    public Task WaitAsync(string instanceId, CancellationToken cancellationToken)
    {
        Waiters waiters;
        lock (_gate)
        {
            if (!_waiters.TryGetValue(instanceId, out waiters!))
            {
                _waiters[instanceId] = waiters = new Waiters();
            }

            waiters.Count++;
        }

        return WaitAsync(instanceId, waiters, cancellationToken);
    }

    /// <summary>Wakes every waiter of <paramref name="instanceId"/>.</summary>
    public void Changed(string instanceId)
    {
        Waiters? waiters;
        lock (_gate)
        {
            _waiters.Remove(instanceId, out waiters);
        }

        waiters?.Signal.TrySetResult();
    }

    /// <summary>Instances someone waits for (entries go when their last waiter does).</summary>
    public int Watched
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count;
            }
        }
    }

    private async Task WaitAsync(string instanceId, Waiters waiters, CancellationToken cancellationToken)
    {
        try
        {
            await waiters.Signal.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            lock (_gate)
            {
                if (--waiters.Count == 0 && _waiters.TryGetValue(instanceId, out var current) && ReferenceEquals(current, waiters))
                {
                    _waiters.Remove(instanceId);
                }
            }
        }
    }

    private sealed class Waiters
    {
        public TaskCompletionSource Signal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count { get; set; }
    }
}
