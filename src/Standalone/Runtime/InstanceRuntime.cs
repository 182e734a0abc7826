using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Serverless.Engine;
using Serverless.Engine.Decisions;
using Serverless.Engine.Registry;
using Serverless.Engine.Telemetry;
using Serverless.Standalone.Storage;
using Serverless.Standalone.Telemetry;

namespace Serverless.Standalone.Runtime;

/// <summary>
/// The durable runtime of one host process. For every instance of an owned partition: apply pending events with the
/// decider in batches, save with the ETag (the outbox of commands in the same row; at most one save in flight, covering
/// every batch since the previous one), then carry the commands out: node work in-process, near timers in memory and
/// far ones as delayed queue messages, children as new rows. A crash re-issues the saved outbox when the next owner
/// recovers the partition; a re-delivered event is a no-op for the decider.
/// </summary>
internal sealed partial class InstanceRuntime : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _stoppingToken;
    private readonly ConcurrentDictionary<string, InstanceActor> _actors = new(StringComparer.Ordinal);
    private readonly InstanceStore _store;
    private readonly DefinitionRegistry _registry;
    private readonly MessageSender _sender;
    private readonly PartitionTable _partitions;
    private readonly NodeWorkRunner _runner;
    private readonly HostMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly StandaloneHostOptions _options;
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
        IOptions<StandaloneHostOptions> options,
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
        _stoppingToken = _stopping.Token;
        runner.Completed = (instanceId, @event) => PostLocal(instanceId, @event);
    }

    public int PartitionOf(string instanceId) => _sender.PartitionOf(instanceId);

    /// <summary>Background work (dispatches, node work, batches) still running for a partition.</summary>
    public long InFlight(int partition)
        => Interlocked.Read(ref _inflight[partition]) + _runner.InFlight(partition) + _actors.Values.Count(a => a.Partition == partition && a.IsBusy);

    public int CachedInstances => _actors.Count;

    /// <summary>Raised events an instance keeps queued before a raise is refused.</summary>
    public int MaxQueuedEvents => _registry.PlanOptions.MaxQueuedEvents;

    /// <summary>
    /// Delivers an event durably: applied and saved in-process when this process owns the instance's partition,
    /// otherwise sent to the partition's control queue. Returns once the event cannot be lost.
    /// </summary>
    public async Task DeliverAsync(string instanceId, WorkflowEvent @event, CancellationToken cancellationToken)
    {
        var partition = PartitionOf(instanceId);
        if (_partitions.MayStart(partition))
        {
            var saved = new TaskCompletionSource<InboxOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(instanceId, new InboxItem { Event = @event, Saved = saved });
            try
            {
                if (await saved.Task.WaitAsync(cancellationToken) != InboxOutcome.NotApplied)
                {
                    return;
                }

                Log.DeliveryFellBack(_logger, @event.GetType().Name, instanceId, "it was handed back", null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !StorageErrors.IsUnavailable(ex))
            {
                // Fall back to the queue: the message is durable and a poison message fails the instance visibly. With
                // storage unreachable there is no fallback: the caller is told (503) and may try again.
                Log.DeliveryFellBack(_logger, @event.GetType().Name, instanceId, "applying it failed", ex);
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
            var saved = new TaskCompletionSource<InboxOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(instanceId, new InboxItem { Event = @event, Saved = saved, Checked = true });
            try
            {
                switch (await saved.Task.WaitAsync(cancellationToken))
                {
                    case InboxOutcome.Saved:
                        return DeliveryResult.Delivered;
                    case InboxOutcome.NotFound:
                        return DeliveryResult.NotFound;
                    case InboxOutcome.Final:
                        return DeliveryResult.Final;
                    case InboxOutcome.QueueFull:
                        return DeliveryResult.QueueFull;
                    default:
                        Log.DeliveryFellBack(_logger, @event.GetType().Name, instanceId, "it was handed back", null);
                        break;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !StorageErrors.IsUnavailable(ex))
            {
                // Fall back to the checked read and the queue.
                Log.DeliveryFellBack(_logger, @event.GetType().Name, instanceId, "applying it failed", ex);
            }
        }

        var record = await _store.GetAsync(instanceId, cancellationToken);
        if (record is null)
        {
            return DeliveryResult.NotFound;
        }

        if (accept is not null ? !accept(record.State) : record.State.Status.IsFinal)
        {
            return DeliveryResult.Final;
        }

        // Another process owns the instance: the check reads the saved state, so it is as current as that save.
        if (@event is EventRaised raised
            && await _registry.ResolveAsync(record.State.Workflow, record.State.Version, cancellationToken) is { } resolved
            && !Decider.CanAcceptEvent(resolved, record.State, raised.Name))
        {
            return DeliveryResult.QueueFull;
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
            Forward(instanceId, @event);
        }
    }

    /// <summary>Sends an in-process event to the control queue of a partition this process does not own (any more).</summary>
    private void Forward(string instanceId, WorkflowEvent @event)
        => Track(PartitionOf(instanceId), () => _sender.SendAsync(instanceId, @event, null, CancellationToken.None), "forward", instanceId, onlyWhileOwned: false);

    /// <summary>Hands a received control message's event to its instance.</summary>
    public void PostFromQueue(string instanceId, WorkflowEvent? @event, WorkflowError? hostFailure, Func<Task> onSaved, Func<Task> onFailed)
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
                await _sender.SendAsync(id, new InstanceStarted(EventIds.Start), null, cancellationToken);
            }

            return (inserted, existing);
        }

        var now = _time.GetUtcNow();
        var started = new InstanceStarted(EventIds.Start);
        var decision = Decider.Decide(plan, pending.State, started, now);
        var outbox = NextOutbox(pending.Outbox, decision.Commands, decision.State, new HashSet<string>(StringComparer.Ordinal));
        var (created, record) = await _store.TryInsertAsync(pending with { State = decision.State, Outbox = outbox }, cancellationToken);
        if (!created)
        {
            return (false, record);
        }

        _metrics.EventApplied(1);
        DecisionTelemetry.Observe(plan, pending.State, started, decision.State, now);
        Seed(record);
        var actor = GetActor(id);
        Dispatch(actor, record, plan, decision.Commands, runNodes: true);
        Dispatch(actor, record, plan, decision.Commands, runNodes: false);
        if (record.State.Status.IsFinal)
        {
            Finished(record);
        }

        return (true, record);
    }

    /// <summary>Gives a freshly written record to the instance's actor so its next step needs no read.</summary>
    public void Seed(InstanceRecord record) => GetActor(record.State.InstanceId).Seed(record);

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
        var actor = _actors.GetOrAdd(instanceId, id => new InstanceActor(id, PartitionOf(id), ProcessAsync));
        actor.Touch(_time.GetTimestamp());
        return actor;
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

    /// <summary>Ends the waits for storage (on shutdown, once the partitions were released or their time ran out).</summary>
    public void Stop() => _stopping.Cancel();

    public void Dispose()
    {
        // Waits still under way end (their tasks hold the token, never the disposed source).
        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>Failures that are waited out instead of counted: storage unreachable (it will answer again).</summary>
    internal static bool IsRetryable(Exception exception) => StorageErrors.IsUnavailable(exception);

    /// <summary>The pause before trying again after the <paramref name="waits"/>-th failure: 250 ms doubling up to 2 s.</summary>
    private static TimeSpan Backoff(int waits) => TimeSpan.FromMilliseconds(Math.Min(2000, 250 << Math.Clamp(waits - 1, 0, 3)));

    /// <summary>Drops every instance of a partition this process no longer owns.</summary>
    public void DropPartition(int partition)
    {
        foreach (var actor in _actors.Values.Where(a => a.Partition == partition))
        {
            actor.Forget();
            Retire(actor);
        }
    }
}
