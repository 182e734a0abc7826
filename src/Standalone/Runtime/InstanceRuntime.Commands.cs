using Serverless.Engine;
using Serverless.Engine.Decisions;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Runtime;

/// <summary>Carrying out commands.</summary>
internal sealed partial class InstanceRuntime
{
    private void Dispatch(InstanceActor actor, InstanceRecord record, WorkflowPlan plan, IReadOnlyList<WorkflowCommand> commands, bool runNodes)
    {
        var id = record.State.InstanceId;
        if (runNodes)
        {
            foreach (var run in commands.OfType<RunNode>())
            {
                if (record.Outbox.TryGetValue(OutboxKeys.Run(run.Path), out var pending) && ReferenceEquals(pending, run))
                {
                    _runner.Start(record.State, actor.Partition, plan, run);
                }
            }

            return;
        }

        foreach (var command in commands)
        {
            switch (command)
            {
                case StartTimer timer:
                    StartTimer(actor.Partition, id, timer);
                    break;
                case StartChild start when record.Outbox.ContainsKey(OutboxKeys.StartChild(start.ChildInstanceId)):
                    Track(actor.Partition, () => StartChildAsync(actor, record.State, start), "startChild", id);
                    break;
                case TerminateChild terminate when record.Outbox.ContainsKey(OutboxKeys.TerminateChild(terminate.ChildInstanceId)):
                    Track(actor.Partition, () => TerminateChildAsync(actor, terminate), "terminateChild", id);
                    break;
                default:
                    break;
            }
        }

        if (record.State.Status.IsFinal && record.Parent is not null && !record.ParentNotified)
        {
            Track(actor.Partition, () => NotifyParentAsync(record), "notifyParent", id);
        }
    }

    private void StartTimer(int partition, string instanceId, StartTimer timer)
    {
        var fired = new TimerFired(EventIds.TimerFired(timer.TimerId), timer.TimerId);
        var remaining = timer.DueAt - _time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            PostLocal(instanceId, fired);
            return;
        }

        if (remaining <= _options.InMemoryTimerWindow)
        {
            // Near timers wait in memory: the state row lists every outstanding timer and whoever owns the partition
            // next re-arms them, so a crash or a handover loses none.
            _ = FireLaterAsync(instanceId, timer.DueAt, fired);
            return;
        }

        Track(partition, () => _sender.SendAsync(instanceId, fired, timer.DueAt, CancellationToken.None), "startTimer", instanceId);
    }

    private async Task FireLaterAsync(string instanceId, DateTimeOffset dueAt, TimerFired fired)
    {
        // Timers round to whole milliseconds; wait until the due time has really passed so a timer never fires early.
        while (_time.GetUtcNow() is var now && now < dueAt)
        {
            await Task.Delay(dueAt - now + TimeSpan.FromMilliseconds(1), _time);
        }

        PostLocal(instanceId, fired);
    }

    private async Task StartChildAsync(InstanceActor parent, InstanceState parentState, StartChild start)
    {
        var resolved = await _registry.ResolveAsync(start.Workflow, start.Version, CancellationToken.None);
        if (resolved is null)
        {
            var version = start.Version is { } v ? $" version {v}" : string.Empty;
            PostLocal(parent.InstanceId, new ChildFailed(
                EventIds.ChildNotStarted(start.ChildInstanceId), start.ChildInstanceId, start.Version,
                new WorkflowError(ErrorTypes.WorkflowNotFound, $"Workflow '{start.Workflow}'{version} is not registered (node '{start.Path}').")));
        }
        else
        {
            var state = Decider.Create(resolved, start.ChildInstanceId, start.Input, _time.GetUtcNow()) with
            {
                Trace = parentState.Trace?.ForChild(parentState.InstanceId, parentState.Epoch),
            };
            var record = new InstanceRecord(state, InstanceRecord.EmptyOutbox, new ParentRef(parentState.InstanceId, start.Path), false, default, null);
            var (created, existing) = await _store.TryInsertAsync(record, CancellationToken.None);
            if (created)
            {
                Log.InstanceCreated(_logger, start.ChildInstanceId, start.Workflow, resolved.Version);
                Seed(existing);
            }

            if (created || existing.State.Status == InstanceStatus.Pending)
            {
                await DeliverAsync(start.ChildInstanceId, new InstanceStarted(EventIds.Start), CancellationToken.None);
            }
        }

        parent.MarkDispatched(OutboxKeys.StartChild(start.ChildInstanceId));
    }

    private async Task TerminateChildAsync(InstanceActor parent, TerminateChild terminate)
    {
        await DeliverAsync(terminate.ChildInstanceId, new TerminateRequested(EventIds.TerminatedByParent(parent.InstanceId), terminate.Reason), CancellationToken.None);
        parent.MarkDispatched(OutboxKeys.TerminateChild(terminate.ChildInstanceId));
    }

    private async Task NotifyParentAsync(InstanceRecord child)
    {
        var state = child.State;
        WorkflowEvent report = state.Status == InstanceStatus.Completed
            ? new ChildCompleted(EventIds.ChildDone(state.InstanceId), state.InstanceId, state.Version, state.Output ?? default)
            : new ChildFailed(EventIds.ChildDone(state.InstanceId), state.InstanceId, state.Version,
                state.Error ?? new WorkflowError(ErrorTypes.Terminated, $"Child instance '{state.InstanceId}' ended as {state.Status}."));
        await DeliverAsync(child.Parent!.InstanceId, report, CancellationToken.None);
        Post(state.InstanceId, new InboxItem { MarkParentNotified = true });
    }

    /// <summary>
    /// Runs a dispatch in the background. While storage is unreachable it is tried again (backing off up to 2 s) for as
    /// long as this process owns the partition (<paramref name="onlyWhileOwned"/>; afterwards the next owner re-issues
    /// it from the saved state) or, for a forward, until shutdown. Other failures are logged: what the dispatch was for
    /// stays in the saved state (outbox, timers, the parent-notified flag) for the next recovery.
    /// </summary>
    private void Track(int partition, Func<Task> work, string what, string instanceId, bool onlyWhileOwned = true)
    {
        Interlocked.Increment(ref _inflight[partition]);
        _ = Task.Run(async () =>
        {
            try
            {
                for (var waits = 1; ; waits++)
                {
                    try
                    {
                        await work();
                        return;
                    }
                    catch (Exception ex) when (IsRetryable(ex) && !_stoppingToken.IsCancellationRequested && (!onlyWhileOwned || _partitions.MayApply(partition)))
                    {
                        Log.WaitingForStorage(_logger, what, instanceId, waits);
                    }

                    await Task.Delay(Backoff(waits), _time, _stoppingToken);
                }
            }
            catch (OperationCanceledException) when (_stoppingToken.IsCancellationRequested)
            {
                // Shutting down: the saved state still owes it, and the next owner re-issues it.
                Log.LeftForLater(_logger, what, instanceId);
            }
            catch (Exception ex)
            {
                Log.DispatchFailed(_logger, what, instanceId, ex);
            }
            finally
            {
                Interlocked.Decrement(ref _inflight[partition]);
            }
        });
    }
}
