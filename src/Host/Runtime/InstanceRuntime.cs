using System.Collections.Concurrent;
using System.Collections.Immutable;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Engine;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Host.Storage;
using Serverless.Host.Telemetry;

namespace Serverless.Host.Runtime;

/// <summary>
/// The durable runtime of one host process. For every instance of an owned partition: load the state once, apply all
/// pending events with the decider, save once with the ETag (the outbox of commands in the same row), then carry the
/// commands out: node work in-process, timers as delayed queue messages, children as new rows. A crash after a save
/// re-issues the outbox when the next owner recovers the partition; a re-delivered event is a no-op for the decider.
/// </summary>
internal sealed class InstanceRuntime
{
    private readonly ConcurrentDictionary<string, InstanceActor> _actors = new(StringComparer.Ordinal);
    private readonly InstanceStore _store;
    private readonly DefinitionRegistry _registry;
    private readonly MessageSender _sender;
    private readonly PartitionTable _partitions;
    private readonly NodeWorkRunner _runner;
    private readonly HostMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ServerlessHostOptions _options;
    private readonly ILogger<InstanceRuntime> _logger;
    private readonly long[] _inflight;

    public InstanceRuntime(
        InstanceStore store,
        DefinitionRegistry registry,
        MessageSender sender,
        PartitionTable partitions,
        NodeWorkRunner runner,
        HostMetrics metrics,
        TimeProvider time,
        IOptions<ServerlessHostOptions> options,
        ILogger<InstanceRuntime> logger)
    {
        _store = store;
        _registry = registry;
        _sender = sender;
        _partitions = partitions;
        _runner = runner;
        _metrics = metrics;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _inflight = new long[_options.Partitions];
        runner.Completed = (instanceId, @event) => PostLocal(instanceId, @event);
    }

    public int PartitionOf(string instanceId) => _sender.PartitionOf(instanceId);

    /// <summary>Background work (dispatches, node work, batches) still running for a partition.</summary>
    public long InFlight(int partition)
        => Interlocked.Read(ref _inflight[partition]) + _runner.InFlight(partition) + _actors.Values.Count(a => a.Partition == partition && a.IsBusy);

    public int CachedInstances => _actors.Count;

    /// <summary>
    /// Delivers an event durably: applied and saved in-process when this process owns the instance's partition,
    /// otherwise sent to the partition's control queue. Returns once the event cannot be lost.
    /// </summary>
    public async Task DeliverAsync(string instanceId, WorkflowEvent @event, CancellationToken cancellationToken)
    {
        var partition = PartitionOf(instanceId);
        if (_partitions.MayStart(partition))
        {
            var saved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(instanceId, new InboxItem { Event = @event, Saved = saved });
            try
            {
                await saved.Task.WaitAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Fall back to the queue: the message is durable and a poison message fails the instance visibly.
            }
        }

        await _sender.SendAsync(instanceId, @event, null, cancellationToken);
    }

    /// <summary>
    /// Delivers an API event (raise, terminate, suspend, resume, rerun) unless the instance is missing or final, which
    /// the answer says. In-process when this process owns the partition (the check then costs no read), otherwise
    /// after a read, through the queue.
    /// </summary>
    public async Task<DeliveryResult> DeliverCheckedAsync(string instanceId, WorkflowEvent @event, Func<InstanceState, bool>? accept, CancellationToken cancellationToken)
    {
        if (_partitions.MayStart(PartitionOf(instanceId)) && accept is null)
        {
            var saved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(instanceId, new InboxItem { Event = @event, Saved = saved, Checked = true });
            try
            {
                await saved.Task.WaitAsync(cancellationToken);
                return DeliveryResult.Delivered;
            }
            catch (InstanceNotFoundException)
            {
                return DeliveryResult.NotFound;
            }
            catch (InstanceFinalException)
            {
                return DeliveryResult.Final;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Fall back to the checked read and the queue.
            }
        }

        var record = await _store.GetAsync(instanceId, cancellationToken);
        if (record is null)
        {
            return DeliveryResult.NotFound;
        }

        if (accept is not null ? !accept(record.State) : StatusBuilder.IsFinal(record.State.Status))
        {
            return DeliveryResult.Final;
        }

        await DeliverAsync(instanceId, @event, cancellationToken);
        return DeliveryResult.Delivered;
    }

    /// <summary>Hands an in-process event (a node result, a due timer) to its instance, or to the queue when not owned.</summary>
    public void PostLocal(string instanceId, WorkflowEvent @event)
    {
        if (_partitions.MayApply(PartitionOf(instanceId)))
        {
            Post(instanceId, new InboxItem { Event = @event });
        }
        else
        {
            Track(PartitionOf(instanceId), () => _sender.SendAsync(instanceId, @event, null, CancellationToken.None), "forward", instanceId);
        }
    }

    /// <summary>Hands a received control message's event to its instance.</summary>
    public void PostFromQueue(string instanceId, WorkflowEvent? @event, WorkflowError? hostFailure, Func<Task> onSaved, Func<Exception, Task> onFailed)
        => Post(instanceId, new InboxItem { Event = @event, HostFailure = hostFailure, FromQueue = true, OnSaved = onSaved, OnFailed = onFailed });

    /// <summary>
    /// Creates an instance. When this process owns its partition the instance starts in the same write (the row is
    /// inserted already Running, with its outbox) and its first commands are carried out at once; otherwise the Pending
    /// row is inserted and the start goes through the partition's queue. False (with the stored record) when the id exists.
    /// </summary>
    public async Task<(bool Created, InstanceRecord Record)> CreateAsync(InstanceRecord pending, WorkflowPlan plan, CancellationToken cancellationToken)
    {
        var id = pending.State.InstanceId;
        if (!_partitions.MayStart(PartitionOf(id)))
        {
            var (inserted, existing) = await _store.TryInsertAsync(pending, cancellationToken);
            if (inserted)
            {
                await _sender.SendAsync(id, new InstanceStarted("start"), null, cancellationToken);
            }

            return (inserted, existing);
        }

        var decision = Decider.Decide(plan, pending.State, new InstanceStarted("start"), _time.GetUtcNow());
        var outbox = NextOutbox(pending.Outbox, decision.Commands, decision.State, new HashSet<string>(StringComparer.Ordinal));
        var (created, record) = await _store.TryInsertAsync(pending with { State = decision.State, Outbox = outbox }, cancellationToken);
        if (!created)
        {
            return (false, record);
        }

        _metrics.EventApplied(1);
        Seed(record);
        var actor = GetActor(id);
        Dispatch(actor, record, plan, decision.Commands, runNodes: true);
        Dispatch(actor, record, plan, decision.Commands, runNodes: false);
        if (StatusBuilder.IsFinal(record.State.Status))
        {
            Finished(record);
        }

        return (true, record);
    }

    /// <summary>Gives a freshly written record to the instance's actor so its next step needs no read.</summary>
    public void Seed(InstanceRecord record)
    {
        var actor = GetActor(record.State.InstanceId);
        lock (actor.Gate)
        {
            if (!actor.Saving && actor.Version == actor.SavedVersion)
            {
                actor.Current = record;
                actor.ETag = record.ETag;
                actor.StateBlob = record.StateBlob;
            }
        }
    }

    /// <summary>Reads an instance for the API: from storage, the truth.</summary>
    public Task<InstanceRecord?> ReadAsync(string instanceId, CancellationToken cancellationToken) => _store.GetAsync(instanceId, cancellationToken);

    private void Post(string instanceId, InboxItem item)
    {
        while (!GetActor(instanceId).TryPost(item))
        {
            // The actor retired between lookup and post; the next lookup makes a new one.
        }
    }

    private InstanceActor GetActor(string instanceId)
    {
        while (true)
        {
            var actor = _actors.GetOrAdd(instanceId, id => new InstanceActor(id, PartitionOf(id), ProcessAsync));
            actor.LastActive = _time.GetTimestamp();
            return actor;
        }
    }

    private void Retire(InstanceActor actor)
    {
        if (actor.TryRetire())
        {
            _actors.TryRemove(KeyValuePair.Create(actor.InstanceId, actor));
        }
    }

    /// <summary>Lets go of idle instances (the row stays the truth).</summary>
    public void RetireIdle()
    {
        var now = _time.GetTimestamp();
        foreach (var actor in _actors.Values)
        {
            if (_time.GetElapsedTime(actor.LastActive, now) > _options.IdleInstanceTimeout)
            {
                Retire(actor);
            }
        }
    }

    /// <summary>Drops every instance of a partition this process no longer owns.</summary>
    public void DropPartition(int partition)
    {
        foreach (var actor in _actors.Values.Where(a => a.Partition == partition))
        {
            lock (actor.Gate)
            {
                if (!actor.Saving)
                {
                    actor.Current = null;
                    actor.Generation++;
                    actor.Version = actor.SavedVersion = 0;
                }
            }

            Retire(actor);
        }
    }

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
            catch (Exception ex)
            {
                if (batch.Count > 1)
                {
                    // Isolate the item that fails so only it (and after retries its instance) pays.
                    foreach (var item in batch)
                    {
                        await ProcessAsync(actor, [item]);
                    }

                    return;
                }

                await FailItemAsync(actor, batch[0], ex);
            }
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
                await _sender.SendAsync(actor.InstanceId, item.Event, null, CancellationToken.None);
            }
        }
    }

    private async Task FailItemAsync(InstanceActor actor, InboxItem item, Exception ex)
    {
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
        await Task.Delay(delay, _time);
        Post(instanceId, item);
    }

    private static string Describe(InboxItem item) => item.Event?.GetType().Name ?? "a host update";

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
                    throw new InvalidOperationException("The instance was reset while loading.");
                }

                actor.Current ??= loaded;
                actor.ETag = actor.Current.ETag;
                actor.StateBlob = actor.Current.StateBlob;
                record = actor.Current;
            }
        }

        var resolved = await _registry.ResolveAsync(record.State.Workflow, record.State.Version, CancellationToken.None)
            ?? throw new InvalidOperationException($"Workflow '{record.State.Workflow}' version {record.State.Version} is not registered.");
        var now = _time.GetUtcNow();
        var state = record.State;
        var wasFinal = StatusBuilder.IsFinal(state.Status);
        var commands = new List<WorkflowCommand>();
        var parentNotified = record.ParentNotified;
        var applied = 0;
        var accepted = new List<InboxItem>(batch.Count);
        foreach (var item in batch)
        {
            if (item.Checked && StatusBuilder.IsFinal(state.Status))
            {
                item.Saved?.TrySetException(new InstanceFinalException(state.Status));
                continue;
            }

            accepted.Add(item);
            if (item.MarkParentNotified)
            {
                parentNotified = true;
            }
            else if (item.HostFailure is { } failure)
            {
                if (!StatusBuilder.IsFinal(state.Status))
                {
                    state = state with { Status = InstanceStatus.Failed, Error = failure, CompletedAt = now, LastUpdatedAt = now };
                    commands.Add(new FailInstance(failure));
                    applied++;
                }
            }
            else if (item.Event is { } @event)
            {
                var decision = Decider.Decide(resolved.Plan, state, @event, now);
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
        var finished = !wasFinal && StatusBuilder.IsFinal(state.Status);
        lock (actor.Gate)
        {
            if (actor.Generation != generation)
            {
                throw new InvalidOperationException("The instance was reset while applying events.");
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
                Dispatch(actor, next, resolved.Plan, commands, runNodes: false);
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
        Dispatch(actor, next, resolved.Plan, commands, runNodes: true);
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

                // What was applied but not saved is gone: re-issue the stored outbox (node work is at-least-once).
                await RecoverInstanceAsync(actor.InstanceId, CancellationToken.None);
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
                        catch (RequestFailedException)
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

        var final = StatusBuilder.IsFinal(state.Status);
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

    private void Dispatch(InstanceActor actor, InstanceRecord record, WorkflowPlan plan, IReadOnlyList<WorkflowCommand> commands, bool runNodes)
    {
        var id = record.State.InstanceId;
        if (runNodes)
        {
            foreach (var run in commands.OfType<RunNode>())
            {
                if (record.Outbox.TryGetValue("run:" + run.Path, out var pending) && ReferenceEquals(pending, run))
                {
                    _runner.Start(id, actor.Partition, plan, run);
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
                case StartChild start when record.Outbox.ContainsKey("child:" + start.ChildInstanceId):
                    Track(actor.Partition, () => StartChildAsync(actor, record.State, start), "startChild", id);
                    break;
                case TerminateChild terminate when record.Outbox.ContainsKey("term:" + terminate.ChildInstanceId):
                    Track(actor.Partition, () => TerminateChildAsync(actor, terminate), "terminateChild", id);
                    break;
                default:
                    break;
            }
        }

        if (StatusBuilder.IsFinal(record.State.Status) && record.Parent is not null && !record.ParentNotified)
        {
            Track(actor.Partition, () => NotifyParentAsync(record), "notifyParent", id);
        }
    }

    private void StartTimer(int partition, string instanceId, StartTimer timer)
    {
        var fired = new TimerFired("timer:" + timer.TimerId, timer.TimerId);
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
                "child:" + start.ChildInstanceId, start.ChildInstanceId, start.Version,
                new WorkflowError(ErrorTypes.WorkflowNotFound, $"Workflow '{start.Workflow}'{version} is not registered (node '{start.Path}').")));
        }
        else
        {
            var state = Decider.Create(resolved.Plan, start.ChildInstanceId, start.Input, _time.GetUtcNow());
            var record = new InstanceRecord(state, InstanceRecord.EmptyOutbox, new ParentRef(parentState.InstanceId, start.Path), false, default, null);
            var (created, existing) = await _store.TryInsertAsync(record, CancellationToken.None);
            if (created)
            {
                _metrics.InstanceStarted();
                Log.InstanceCreated(_logger, start.ChildInstanceId, start.Workflow, resolved.Plan.Version);
                Seed(existing);
            }

            if (created || existing.State.Status == InstanceStatus.Pending)
            {
                await DeliverAsync(start.ChildInstanceId, new InstanceStarted("start"), CancellationToken.None);
            }
        }

        lock (parent.Gate)
        {
            parent.Dispatched.Add("child:" + start.ChildInstanceId);
        }
    }

    private async Task TerminateChildAsync(InstanceActor parent, TerminateChild terminate)
    {
        await DeliverAsync(terminate.ChildInstanceId, new TerminateRequested("terminate:" + parent.InstanceId, terminate.Reason), CancellationToken.None);
        lock (parent.Gate)
        {
            parent.Dispatched.Add("term:" + terminate.ChildInstanceId);
        }
    }

    private async Task NotifyParentAsync(InstanceRecord child)
    {
        var state = child.State;
        WorkflowEvent report = state.Status == InstanceStatus.Completed
            ? new ChildCompleted("child-done:" + state.InstanceId, state.InstanceId, state.Version, state.Output ?? default)
            : new ChildFailed("child-done:" + state.InstanceId, state.InstanceId, state.Version,
                state.Error ?? new WorkflowError(ErrorTypes.Terminated, $"Child instance '{state.InstanceId}' ended as {state.Status}."));
        await DeliverAsync(child.Parent!.InstanceId, report, CancellationToken.None);
        Post(state.InstanceId, new InboxItem { MarkParentNotified = true });
    }

    private void Track(int partition, Func<Task> work, string what, string instanceId)
    {
        Interlocked.Increment(ref _inflight[partition]);
        _ = Task.Run(async () =>
        {
            try
            {
                await work();
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

    /// <summary>
    /// Takes over a partition: every instance the host still owes something is loaded and its outbox re-issued (node
    /// work re-runs, timers are re-sent, children re-created idempotently, parents re-told); a Pending instance starts.
    /// </summary>
    public async Task<int> RecoverPartitionAsync(int partition, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var record in _store.QueryActiveAsync(partition, cancellationToken))
        {
            count++;
            await RecoverAsync(record, cancellationToken);
        }

        return count;
    }

    /// <summary>Re-reads one instance and re-issues its stored outbox (after a failed save threw away unsaved progress).</summary>
    private async Task RecoverInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            if (await _store.GetAsync(instanceId, cancellationToken) is { } record)
            {
                await RecoverAsync(record, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is RequestFailedException or InvalidOperationException)
        {
            Log.DispatchFailed(_logger, "recover", instanceId, ex);
        }
    }

    private async Task RecoverAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        var actor = GetActor(record.State.InstanceId);
        lock (actor.Gate)
        {
            if (actor.Current is not null || actor.Saving)
            {
                return;
            }

            actor.Current = record;
            actor.ETag = record.ETag;
            actor.StateBlob = record.StateBlob;
            actor.Version = actor.SavedVersion = 0;
        }

        var resolved = await _registry.ResolveAsync(record.State.Workflow, record.State.Version, cancellationToken);
        if (resolved is null)
        {
            return;
        }

        if (record.State.Status == InstanceStatus.Pending)
        {
            Post(record.State.InstanceId, new InboxItem { Event = new InstanceStarted("start") });
            return;
        }

        var commands = new List<WorkflowCommand>(record.Outbox.Values);
        commands.AddRange(record.State.Timers.Select(t => (WorkflowCommand)new StartTimer(t.Key, t.Value.DueAt)));
        Dispatch(actor, record, resolved.Plan, commands, runNodes: true);
        Dispatch(actor, record, resolved.Plan, commands, runNodes: false);
        if (!record.IsActive)
        {
            Retire(actor);
        }
    }
}

/// <summary>What became of a checked delivery.</summary>
internal enum DeliveryResult
{
    /// <summary>Applied and saved, or on the control queue.</summary>
    Delivered,
    /// <summary>The instance does not exist.</summary>
    NotFound,
    /// <summary>The instance is final.</summary>
    Final,
}
