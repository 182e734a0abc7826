using Serverless.Engine;
using Serverless.Engine.Decisions;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Runtime;

/// <summary>Something for an instance to apply.</summary>
internal sealed class InboxItem
{
    /// <summary>The event to apply (null for a host failure or a bookkeeping item).</summary>
    public WorkflowEvent? Event { get; init; }

    /// <summary>Set when the host itself fails the instance (poison message).</summary>
    public WorkflowError? HostFailure { get; init; }

    /// <summary>For API calls: refuse (404/410) instead of applying when the instance is missing or final.</summary>
    public bool Checked { get; init; }

    /// <summary>Marks the parent as told of the instance's end.</summary>
    public bool MarkParentNotified { get; init; }

    /// <summary>Completed once the event is saved (API calls wait on it; the message is deleted after it).</summary>
    public TaskCompletionSource? Saved { get; init; }

    /// <summary>Called after a successful save (deletes the queue message).</summary>
    public Func<Task>? OnSaved { get; init; }

    /// <summary>Called when processing failed (releases the queue message for a later delivery).</summary>
    public Func<Exception, Task>? OnFailed { get; init; }

    /// <summary>True for items from a control queue: a failure leaves them to a later delivery.</summary>
    public bool FromQueue { get; init; }

    /// <summary>
    /// Carries out again what the instance's state owes (timers, outbox, parent report): posted after a failed save threw
    /// away unsaved progress, whose effects may be lost with it.
    /// </summary>
    public bool Reload { get; init; }

    /// <summary>Times processing this in-process item failed (storage being unreachable does not count).</summary>
    public int Attempts { get; set; }

    /// <summary>Times this item waited for storage to answer again (sets the backoff).</summary>
    public int Waits { get; set; }
}

/// <summary>
/// One instance in memory: a mailbox applied one batch at a time (never two batches at once), the latest state
/// (which may be ahead of storage by the batches whose save is in flight) and the bookkeeping of group commit: at most
/// one save runs at a time and each covers every batch applied since the previous one. Items (API calls, queue
/// messages) complete, and effects (timers, children, reports) happen, only once a save covering them succeeded. This
/// process is the only writer of an instance while it owns the partition's lease; the ETag catches the rest.
/// </summary>
internal sealed class InstanceActor(string instanceId, int partition, Func<InstanceActor, IReadOnlyList<InboxItem>, Task> process)
{
    private readonly List<InboxItem> _inbox = [];
    private bool _running;
    private bool _retired;

    public Lock Gate { get; } = new();

    public string InstanceId { get; } = instanceId;

    public int Partition { get; } = partition;

    /// <summary>The latest record (may be ahead of storage), or null to read it from storage. Guarded by <see cref="Gate"/>.</summary>
    public InstanceRecord? Current { get; set; }

    /// <summary>The ETag and state blob of the last successful save (or read). Guarded by <see cref="Gate"/>.</summary>
    public Azure.ETag ETag { get; set; }

    public string? StateBlob { get; set; }

    /// <summary>Bumped for every batch that changed the record; <see cref="SavedVersion"/> is the last one saved.</summary>
    public long Version { get; set; }

    public long SavedVersion { get; set; }

    /// <summary>Bumped when the in-memory record is thrown away after a failed save.</summary>
    public long Generation { get; set; }

    public bool Saving { get; set; }

    /// <summary>Items and effects waiting for the save of a version.</summary>
    public List<(long Version, InboxItem? Item, Action? Effect)> AwaitingSave { get; } = [];

    /// <summary>Outbox keys already carried out (dropped from the outbox at the next save).</summary>
    public HashSet<string> Dispatched { get; } = new(StringComparer.Ordinal);

    /// <summary>Timestamp of the last activity.</summary>
    public long LastActive { get; set; }

    public bool IsBusy
    {
        get
        {
            lock (Gate)
            {
                return _running || _inbox.Count > 0 || Saving || Version != SavedVersion;
            }
        }
    }

    /// <summary>Adds an item; false when the actor is retired (post to a new one).</summary>
    public bool TryPost(InboxItem item)
    {
        lock (Gate)
        {
            if (_retired)
            {
                return false;
            }

            _inbox.Add(item);
            if (_running)
            {
                return true;
            }

            _running = true;
        }

        _ = Task.Run(RunAsync);
        return true;
    }

    /// <summary>Retires the actor when idle and saved; a retired actor takes no more items.</summary>
    public bool TryRetire()
    {
        lock (Gate)
        {
            if (_running || _inbox.Count > 0 || Saving || Version != SavedVersion || AwaitingSave.Count > 0)
            {
                return false;
            }

            _retired = true;
            return true;
        }
    }

    private async Task RunAsync()
    {
        while (true)
        {
            InboxItem[] batch;
            lock (Gate)
            {
                if (_inbox.Count == 0)
                {
                    _running = false;
                    return;
                }

                batch = [.. _inbox];
                _inbox.Clear();
            }

            await process(this, batch);
        }
    }
}

/// <summary>The instance's unsaved progress was thrown away while an item was applied; the item is applied again.</summary>
internal sealed class InstanceResetException() : Exception("The instance was reset (a save failed) while events were applied; they are applied again.");

/// <summary>The instance of a checked delivery does not exist.</summary>
internal sealed class InstanceNotFoundException() : Exception("The instance does not exist.");

/// <summary>The instance of a checked delivery already holds as many queued events as it keeps.</summary>
internal sealed class EventQueueFullException() : Exception("The instance's event queue is full.");

/// <summary>The instance of a checked delivery is final.</summary>
internal sealed class InstanceFinalException(InstanceStatus status) : Exception($"The instance is {status}.")
{
    public InstanceStatus Status { get; } = status;
}
