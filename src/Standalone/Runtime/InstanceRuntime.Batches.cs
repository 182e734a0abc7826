using System.Collections.Concurrent;
using System.Collections.Immutable;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Engine;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Standalone.Storage;
using Serverless.Standalone.Telemetry;

namespace Serverless.Standalone.Runtime;

/// <summary>Applying batches and group commit.</summary>
internal sealed partial class InstanceRuntime
{
    private async Task ProcessAsync(InstanceActor actor, IReadOnlyList<InboxItem> batch)
    {
        Interlocked.Increment(ref _inflight[actor.Partition]);
        try
        {
            if (!_partitions.MayApply(actor.Partition))
            {
                await HandOverAsync(actor, batch);
                return;
            }

            try
            {
                await ApplyBatchAsync(actor, batch);
            }
            catch (Exception ex) when (batch.Count > 1 && !IsRetryable(ex))
            {
                // Isolate the item that fails so only it (and after retries its instance) pays.
                foreach (var item in batch)
                {
                    await ProcessAsync(actor, [item]);
                }
            }
            catch (Exception ex)
            {
                // One failing item, or storage unreachable: then every item of the batch waits it out.
                foreach (var item in batch)
                {
                    await FailItemAsync(actor, item, ex);
                }
            }
        }
        catch (Exception ex)
        {
            // The actor's loop must go on whatever happened to this batch; its items are durable elsewhere (a queue
            // message comes back, a saved outbox re-runs the node, the state lists its timers).
            Log.BatchFailed(_logger, actor.InstanceId, 0, ex);
        }
        finally
        {
            Interlocked.Decrement(ref _inflight[actor.Partition]);
        }
    }

    private async Task HandOverAsync(InstanceActor actor, IReadOnlyList<InboxItem> batch)
    {
        foreach (var item in batch)
        {
            if (item.FromQueue)
            {
                await item.OnFailed!(new InvalidOperationException("The partition moved to another host."));
            }
            else if (item.Saved is not null)
            {
                item.Saved.TrySetException(new InvalidOperationException("The partition moved to another host."));
            }
            else if (item.Event is not null)
            {
                Forward(actor.InstanceId, item.Event);
            }
        }
    }

    private async Task FailItemAsync(InstanceActor actor, InboxItem item, Exception ex)
    {
        if (IsRetryable(ex))
        {
            if (item.Saved is not null)
            {
                // An API call: its caller answers (503 while storage is unreachable) and may try again.
                item.Saved.TrySetException(ex);
                return;
            }

            // Node results, due timers, queue messages and host updates wait for storage (or the reset) without using
            // up attempts; a queue message stays hidden meanwhile, so its deliveries are not used up either.
            item.Waits++;
            Log.WaitingForStorage(_logger, Describe(item), actor.InstanceId, item.Waits);
            _ = RetryLaterAsync(actor.InstanceId, item, Backoff(item.Waits));
            return;
        }

        item.Attempts++;
        Log.BatchFailed(_logger, actor.InstanceId, item.Attempts, ex);
        if (item.FromQueue)
        {
            await item.OnFailed!(ex);
            return;
        }

        if (item.Saved is not null)
        {
            item.Saved.TrySetException(ex);
            return;
        }

        if (item.Attempts < _options.MaxDequeueCount)
        {
            _ = RetryLaterAsync(actor.InstanceId, item, TimeSpan.FromMilliseconds(200 * item.Attempts));
        }
        else if (item.HostFailure is null)
        {
            Post(actor.InstanceId, new InboxItem
            {
                HostFailure = new WorkflowError("HostError", $"The host could not apply {Describe(item)} to this instance after {item.Attempts} attempts: {ex.Message}"),
            });
        }
    }

    private async Task RetryLaterAsync(string instanceId, InboxItem item, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: a queue message comes back, and the saved state still owes its node work and timers.
            return;
        }

        Post(instanceId, item);
    }

    private static string Describe(InboxItem item) => item.Event?.GetType().Name ?? (item.Reload ? "a reload" : "a host update");

    private async Task ApplyBatchAsync(InstanceActor actor, IReadOnlyList<InboxItem> batch)
    {
        InstanceRecord? record;
        long generation;
        lock (actor.Gate)
        {
            record = actor.Current;
            generation = actor.Generation;
        }

        if (record is null)
        {
            var loaded = await _store.GetAsync(actor.InstanceId, CancellationToken.None);
            if (loaded is null)
            {
                // Purged (or never created): nothing to apply to.
                foreach (var item in batch)
                {
                    if (item.Checked)
                    {
                        item.Saved?.TrySetException(new InstanceNotFoundException());
                    }
                }

                Release([.. batch.Where(i => !i.Checked).Select(i => ((long)0, (InboxItem?)i, (Action?)null))]);
                Retire(actor);
                return;
            }

            lock (actor.Gate)
            {
                if (actor.Generation != generation)
                {
                    throw new InstanceResetException();
                }

                actor.Current ??= loaded;
                actor.ETag = actor.Current.ETag;
                actor.StateBlob = actor.Current.StateBlob;
                record = actor.Current;
            }
        }

        var resolved = await _registry.ResolveAsync(record.State.Workflow, record.State.Version, CancellationToken.None)
            ?? throw new InvalidOperationException($"Workflow '{record.State.Workflow}' version {record.State.Version} is not registered.");
        if (batch.Any(i => i.Reload))
        {
            Reissue(actor, record, resolved);
        }

        var now = _time.GetUtcNow();
        var state = record.State;
        var wasFinal = state.Status.IsFinal;
        var commands = new List<WorkflowCommand>();
        var parentNotified = record.ParentNotified;
        var applied = 0;
        var accepted = new List<InboxItem>(batch.Count);
        foreach (var item in batch)
        {
            if (item.Checked && state.Status.IsFinal)
            {
                item.Saved?.TrySetException(new InstanceFinalException(state.Status));
                continue;
            }

            if (item.Checked && item.Event is EventRaised raised && !Decider.CanAcceptEvent(resolved, state, raised.Name))
            {
                item.Saved?.TrySetException(new EventQueueFullException());
                continue;
            }

            accepted.Add(item);
            if (item.MarkParentNotified)
            {
                parentNotified = true;
            }
            else if (item.HostFailure is { } failure)
            {
                if (!state.Status.IsFinal)
                {
                    state = state with { Status = InstanceStatus.Failed, Error = failure, CompletedAt = now, LastUpdatedAt = now };
                    commands.Add(new FailInstance(failure));
                    applied++;
                }
            }
            else if (item.Event is { } @event)
            {
                var decision = Decider.Decide(resolved, state, @event, now);
                if (!ReferenceEquals(decision.State, state))
                {
                    applied++;
                }

                state = decision.State;
                commands.AddRange(decision.Commands);
            }
        }

        ImmutableSortedDictionary<string, WorkflowCommand> outbox;
        lock (actor.Gate)
        {
            outbox = NextOutbox(record.Outbox, commands, state, actor.Dispatched);
            actor.Dispatched.IntersectWith(outbox.Keys);
        }

        var next = record with { State = state, Outbox = outbox, ParentNotified = parentNotified };
        var changed = !ReferenceEquals(state, record.State) || !OutboxEquals(outbox, record.Outbox) || parentNotified != record.ParentNotified;
        var finished = !wasFinal && state.Status.IsFinal;
        lock (actor.Gate)
        {
            if (actor.Generation != generation)
            {
                throw new InstanceResetException();
            }

            if (changed)
            {
                actor.Current = next;
                actor.Version++;
            }

            var version = actor.Version;
            foreach (var item in accepted)
            {
                actor.AwaitingSave.Add((version, item, null));
            }

            actor.AwaitingSave.Add((version, null, () =>
            {
                Dispatch(actor, next, resolved, commands, runNodes: false);
                if (finished)
                {
                    Finished(next);
                }

                if (!next.IsActive)
                {
                    Retire(actor);
                }
            }));
        }

        _metrics.EventApplied(applied);

        // Node work starts before its state is saved (the save is in flight): a crash before the save re-runs it from
        // the previous saved outbox, with the same idempotency keys, so the work stays at-least-once.
        Dispatch(actor, next, resolved, commands, runNodes: true);
        KickSave(actor);
    }

    private void KickSave(InstanceActor actor)
    {
        List<(long, InboxItem?, Action?)>? ready = null;
        lock (actor.Gate)
        {
            if (actor.Saving)
            {
                return;
            }

            if (actor.Version == actor.SavedVersion)
            {
                ready = TakeSaved(actor);
            }
            else
            {
                actor.Saving = true;
            }
        }

        if (ready is not null)
        {
            Release(ready);
            return;
        }

        Interlocked.Increment(ref _inflight[actor.Partition]);
        _ = SaveInBackgroundAsync(actor);
    }

    private async Task SaveInBackgroundAsync(InstanceActor actor)
    {
        try
        {
            // Runs inline up to the storage call, then the actor goes on applying events while the save is in flight.
            await SaveLoopAsync(actor);
        }
        finally
        {
            Interlocked.Decrement(ref _inflight[actor.Partition]);
        }
    }

    private static List<(long, InboxItem?, Action?)> TakeSaved(InstanceActor actor)
    {
        var ready = actor.AwaitingSave.Where(a => a.Version <= actor.SavedVersion).ToList();
        actor.AwaitingSave.RemoveAll(a => a.Version <= actor.SavedVersion);
        return ready;
    }

    private async Task SaveLoopAsync(InstanceActor actor)
    {
        while (true)
        {
            InstanceRecord snapshot;
            long version;
            List<(long, InboxItem?, Action?)> ready;
            var done = false;
            lock (actor.Gate)
            {
                if (actor.Version == actor.SavedVersion || actor.Current is null)
                {
                    actor.Saving = false;
                    ready = TakeSaved(actor);
                    done = true;
                    snapshot = null!;
                    version = 0;
                }
                else
                {
                    ready = [];
                    snapshot = actor.Current with { ETag = actor.ETag, StateBlob = actor.StateBlob };
                    version = actor.Version;
                }
            }

            if (done)
            {
                // Effects run outside the lock: they post to other instances (parents, children).
                Release(ready);
                InstanceRecord? current;
                lock (actor.Gate)
                {
                    current = actor.Current;
                }

                if (current is { IsActive: false })
                {
                    Retire(actor);
                }

                return;
            }

            InstanceRecord saved;
            try
            {
                saved = await _store.SaveAsync(snapshot, CancellationToken.None);
            }
            catch (Exception ex)
            {
                if (ex is RequestFailedException { Status: 412 })
                {
                    Log.SaveConflict(_logger, actor.InstanceId);
                }

                List<(long, InboxItem?, Action?)> lost;
                lock (actor.Gate)
                {
                    lost = [.. actor.AwaitingSave];
                    actor.AwaitingSave.Clear();
                    actor.Current = null;
                    actor.Generation++;
                    actor.Version = actor.SavedVersion = 0;
                    actor.Saving = false;
                }

                foreach (var (_, item, _) in lost)
                {
                    if (item is not null)
                    {
                        await FailItemAsync(actor, item, ex);
                    }
                }

                // What was applied but not saved is gone, and with it the effects that waited for the save (timers,
                // children, reports): once the state can be read again, carry out what it owes (node work is
                // at-least-once; a timer armed twice fires once for the decider).
                Post(actor.InstanceId, new InboxItem { Reload = true });
                return;
            }

            _metrics.Saved();
            lock (actor.Gate)
            {
                actor.ETag = saved.ETag;
                actor.StateBlob = saved.StateBlob;
                actor.SavedVersion = version;
                ready = TakeSaved(actor);
            }

            Release(ready);
        }
    }

    private void Release(IReadOnlyList<(long Version, InboxItem? Item, Action? Effect)> ready)
    {
        foreach (var (_, item, effect) in ready)
        {
            if (item is not null)
            {
                item.Saved?.TrySetResult();
                if (item.OnSaved is not null)
                {
                    var onSaved = item.OnSaved;
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await onSaved();
                        }
                        catch (Exception ex) when (ex is RequestFailedException || StorageErrors.IsUnavailable(ex))
                        {
                            // A message not deleted comes back and is a no-op for the decider.
                        }
                    });
                }
            }

            effect?.Invoke();
        }
    }

    private static bool OutboxEquals(ImmutableSortedDictionary<string, WorkflowCommand> a, ImmutableSortedDictionary<string, WorkflowCommand> b)
        => ReferenceEquals(a, b) || (a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var c) && ReferenceEquals(c, p.Value)));

    private void Finished(InstanceRecord record)
    {
        Log.InstanceFinished(_logger, record.State.InstanceId, record.State.Status.ToString());
        if (record.State.Status == InstanceStatus.Completed)
        {
            _metrics.InstanceCompleted();
        }
        else
        {
            _metrics.InstanceFailed();
        }
    }

    /// <summary>
    /// The outbox after a decision: new RunNode/StartChild/TerminateChild commands join it; RunNode and StartChild leave
    /// it once their node is no longer running (its result was applied, it backs off, it was cancelled or the instance
    /// ended); StartChild and TerminateChild also leave once carried out.
    /// </summary>
    internal static ImmutableSortedDictionary<string, WorkflowCommand> NextOutbox(
        ImmutableSortedDictionary<string, WorkflowCommand> outbox, IReadOnlyList<WorkflowCommand> commands, InstanceState state, IReadOnlySet<string> dispatched)
    {
        var builder = outbox.ToBuilder();
        foreach (var command in commands)
        {
            if (InstanceRecord.OutboxKey(command) is { } key)
            {
                builder[key] = command;
            }
        }

        var final = state.Status.IsFinal;
        foreach (var (key, command) in builder.ToList())
        {
            var keep = command switch
            {
                RunNode run => !final && NodeRunning(state, run.Path),
                StartChild start => !final && NodeRunning(state, start.Path) && !dispatched.Contains(key),
                TerminateChild => !dispatched.Contains(key),
                _ => false,
            };
            if (!keep)
            {
                builder.Remove(key);
            }
        }

        var result = builder.ToImmutable();
        return result.Count == outbox.Count && result.All(p => outbox.TryGetValue(p.Key, out var c) && ReferenceEquals(c, p.Value)) ? outbox : result;
    }

    private static bool NodeRunning(InstanceState state, string path)
        => state.Nodes.TryGetValue(path, out var node) && node.Status == NodeStatus.Running && !node.Backoff;
}
