using System.Collections.Immutable;
using Azure;
using System.Diagnostics;
using Serverless.Engine.Decisions;
using Serverless.Engine.Telemetry;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Runtime;

/// <summary>
/// Applying batches and group commit: an actor's batch is applied in memory and waits, with its items and effects,
/// for the next save; at most one save per instance is in flight and each covers every batch applied before it.
/// </summary>
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

            bool applied;
            try
            {
                applied = await ApplyBatchAsync(actor, batch);
            }
            catch (Exception ex) when (batch.Count > 1 && !IsRetryable(ex))
            {
                // Isolate the item that fails so only it (and after retries its instance) pays.
                Log.BatchSplit(_logger, actor.InstanceId, batch.Count, ex);
                foreach (var item in batch)
                {
                    await ProcessAsync(actor, [item]);
                }

                return;
            }
            catch (Exception ex)
            {
                // One failing item, or storage unreachable: then every item of the batch waits it out.
                foreach (var item in batch)
                {
                    await FailItemAsync(actor, item, ex);
                }

                return;
            }

            if (!applied)
            {
                // The instance's unsaved progress was thrown away under the batch (a save failed): apply it again.
                foreach (var item in batch)
                {
                    RetryAfterReset(actor, item);
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

    /// <summary>Applies a batch in memory and lets it wait for a save; false when the instance was reset meanwhile.</summary>
    private async Task<bool> ApplyBatchAsync(InstanceActor actor, IReadOnlyList<InboxItem> batch)
    {
        var (record, generation) = actor.BeginBatch();
        if (record is null)
        {
            var loaded = await _store.GetAsync(actor.InstanceId, CancellationToken.None);
            if (loaded is null)
            {
                // Purged (or never created): nothing to apply to.
                Log.InstanceGone(_logger, actor.InstanceId, batch.Count);
                foreach (var item in batch)
                {
                    if (item.Checked)
                    {
                        item.Saved?.TrySetResult(InboxOutcome.NotFound);
                    }
                }

                Release([.. batch.Where(i => !i.Checked).Select(i => new AwaitingSave(0, i, null))]);
                Retire(actor);
                return true;
            }

            record = actor.Load(loaded, generation);
            if (record is null)
            {
                return false;
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
        List<Observation>? observed = null;
        foreach (var item in batch)
        {
            if (item.Checked && state.Status.IsFinal)
            {
                item.Saved?.TrySetResult(InboxOutcome.Final);
                continue;
            }

            if (item.Checked && item.Event is EventRaised raised && !Decider.CanAcceptEvent(resolved, state, raised.Name))
            {
                item.Saved?.TrySetResult(InboxOutcome.QueueFull);
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
                    var failedState = state with { Status = InstanceStatus.Failed, Error = failure, CompletedAt = now, LastUpdatedAt = now };
                    (observed ??= []).Add(new Observation(state, null, failedState));
                    state = failedState;
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
                    (observed ??= []).Add(new Observation(state, @event, decision.State));
                }

                state = decision.State;
                commands.AddRange(decision.Commands);
            }
        }

        var outbox = actor.NextOutbox(record.Outbox, commands, state);
        var next = record with { State = state, Outbox = outbox, ParentNotified = parentNotified };
        var changed = !ReferenceEquals(state, record.State) || !OutboxEquals(outbox, record.Outbox) || parentNotified != record.ParentNotified;
        var finished = !wasFinal && state.Status.IsFinal;
        var ended = actor.TryEndBatch(generation, next, changed, accepted, () =>
        {
            // Saved: its spans and metrics are emitted now, once (a batch lost with a failed save is applied again).
            Observe(resolved, observed, now);
            Dispatch(actor, next, resolved, commands, runNodes: false);
            if (finished)
            {
                Finished(next);
            }

            if (!next.IsActive)
            {
                Retire(actor);
            }
        });
        if (!ended)
        {
            return false;
        }

        _metrics.EventApplied(applied);

        // Node work starts before its state is saved (the save is in flight): a crash before the save re-runs it from
        // the previous saved outbox, with the same idempotency keys, so the work stays at-least-once.
        Dispatch(actor, next, resolved, commands, runNodes: true);
        BeginSave(actor);
        return true;
    }

    /// <summary>Starts the save loop unless a save is in flight (it covers the new batch) or everything is saved.</summary>
    private void BeginSave(InstanceActor actor)
    {
        if (!actor.TryBeginSave(out var released))
        {
            Release(released);
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

    private async Task SaveLoopAsync(InstanceActor actor)
    {
        while (true)
        {
            var save = actor.NextSave(out var released);
            if (save is null)
            {
                // Everything is saved. Effects run outside the actor's lock: they post to other instances (parents, children).
                Release(released);
                if (actor.HoldsInactiveRecord)
                {
                    Retire(actor);
                }

                return;
            }

            InstanceRecord saved;
            try
            {
                saved = await _store.SaveAsync(save.Record, CancellationToken.None);
            }
            catch (Exception ex)
            {
                await SaveFailedAsync(actor, ex);
                return;
            }

            _metrics.Saved();
            Release(actor.CompleteSave(save, saved));
        }
    }

    /// <summary>
    /// A save failed (ETag conflict, storage unreachable, a refusal): what was applied but not saved is gone, and with it
    /// the effects that waited for the save (timers, children, reports). Its items are failed (to be applied again or
    /// given up), and once the state can be read again the instance carries out what it owes (node work is
    /// at-least-once; a timer armed twice fires once for the decider).
    /// </summary>
    private async Task SaveFailedAsync(InstanceActor actor, Exception ex)
    {
        if (ex is RequestFailedException { Status: 412 })
        {
            Log.SaveConflict(_logger, actor.InstanceId);
        }
        else
        {
            Log.SaveFailed(_logger, actor.InstanceId, ex);
        }

        foreach (var lost in actor.FailSave())
        {
            if (lost.Item is { } item)
            {
                await FailItemAsync(actor, item, ex);
            }
        }

        Post(actor.InstanceId, new InboxItem { Reload = true });
    }

    /// <summary>Completes saved items (callers told, queue messages deleted) and carries out saved effects.</summary>
    private void Release(IReadOnlyList<AwaitingSave> ready)
    {
        foreach (var (_, item, effect) in ready)
        {
            if (item is not null)
            {
                item.Saved?.TrySetResult(InboxOutcome.Saved);
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
                            Log.MessageNotDeleted(_logger, Describe(item), ex);
                        }
                    });
                }
            }

            effect?.Invoke();
        }
    }

    private static bool OutboxEquals(ImmutableSortedDictionary<string, WorkflowCommand> a, ImmutableSortedDictionary<string, WorkflowCommand> b)
        => ReferenceEquals(a, b) || (a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var c) && ReferenceEquals(c, p.Value)));

    private static void Observe(WorkflowPlan plan, List<Observation>? observed, DateTimeOffset now)
    {
        foreach (var (before, @event, after) in observed ?? [])
        {
            var cause = @event is EventRaised { Cause: { } traceparent } && ActivityContext.TryParse(traceparent, null, isRemote: true, out var context)
                ? context
                : default;
            DecisionTelemetry.Observe(plan, before, @event, after, now, cause);
        }
    }

    private void Finished(InstanceRecord record)
    {
        Log.InstanceFinished(_logger, record.State.InstanceId, record.State.Status.ToString());
    }

    /// <summary>One applied change, kept until its save for <see cref="DecisionTelemetry"/>.</summary>
    private sealed record Observation(InstanceState Before, WorkflowEvent? Event, InstanceState After);
}
