namespace Serverless.Conformance.Tests.Runners;

/// <summary>Bounded polling: check, let the runner's time pass, check again, until the condition holds or the token's deadline passes.</summary>
public static class Poll
{
    /// <summary>Probes until <paramref name="done"/> holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/> and the last value at the deadline.</summary>
    public static async Task<T> UntilAsync<T>(IWorkflowRunner runner, Func<Task<T>> probe, Func<T, bool> done, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        T last = default!;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                last = await probe();
                if (done(last))
                {
                    return last;
                }

                await runner.PauseAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not TimeoutException)
        {
            // The deadline passed (a client may report it as its own cancellation, e.g. gRPC's Cancelled).
            throw new TimeoutException($"{runner.Name}: timed out waiting for {what}; last seen: {last}", ex);
        }
    }

    /// <summary>Waits until the instance's progress satisfies <paramref name="done"/>.</summary>
    public static Task<InstanceProgress?> ProgressAsync(IWorkflowRunner runner, string instanceId, Func<InstanceProgress, bool> done, string what, CancellationToken cancellationToken)
        => UntilAsync(runner, () => runner.GetProgressAsync(instanceId, cancellationToken), p => p is not null && done(p), $"{instanceId}: {what}", cancellationToken);

    /// <summary>Waits until the node <paramref name="path"/> runs (an event node waits, a wait node's timer is armed).</summary>
    public static Task<InstanceProgress?> NodeRunningAsync(IWorkflowRunner runner, string instanceId, string path, CancellationToken cancellationToken)
        => ProgressAsync(runner, instanceId, p => p.RunningNodes.Contains(path), $"node '{path}' running", cancellationToken);

    /// <summary>
    /// Waits until the instance's per-node detail (what the nodes route answers) shows <paramref name="path"/> with
    /// <paramref name="status"/>. On Durable Task the detail is a checkpoint an activity writes once the orchestration
    /// waits, so it can trail the custom status by that activity.
    /// </summary>
    public static Task<InstanceResult> NodeDetailAsync(IWorkflowRunner runner, string instanceId, string path, string status, CancellationToken cancellationToken)
        => UntilAsync(
            runner,
            () => runner.ReadAsync(instanceId, cancellationToken),
            r => r.Nodes.Any(n => n.Path == path && n.Status == status),
            $"{instanceId}: node detail shows '{path}' {status}",
            cancellationToken);

    /// <summary>Waits until the instance is Completed, Failed or Terminated, then reads it.</summary>
    public static async Task<InstanceResult> FinalAsync(IWorkflowRunner runner, string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        await runner.WaitForFinalAsync(instanceId, cancellationToken);
        return await runner.ReadAsync(instanceId, cancellationToken);
    }
}
