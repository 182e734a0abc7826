using Serverless.Engine;
using Serverless.Engine.Decisions;
using Serverless.Host.Storage;

namespace Serverless.Host.Runtime;

/// <summary>Something for an instance to apply.</summary>
internal sealed class InboxItem
{
    /// <summary>The event to apply (null for a host failure or a bookkeeping item).</summary>
    public WorkflowEvent? Event { get; init; }

    /// <summary>Set when the host itself fails the instance (poison message).</summary>
    public WorkflowError? HostFailure { get; init; }

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

    /// <summary>Times processing this in-process item failed.</summary>
    public int Attempts { get; set; }
}

/// <summary>
/// One instance in memory: a mailbox applied one batch at a time (never two batches at once), and the last saved record
/// so a busy instance is not read back before every step. This process is the only writer of an instance while it owns
/// the partition's lease; the ETag catches the rest.
/// </summary>
internal sealed class InstanceActor(string instanceId, int partition, Func<InstanceActor, IReadOnlyList<InboxItem>, Task> process)
{
    private readonly Lock _gate = new();
    private readonly List<InboxItem> _inbox = [];
    private bool _running;
    private bool _retired;

    public string InstanceId { get; } = instanceId;

    public int Partition { get; } = partition;

    /// <summary>The last record saved or read, or null to read it from storage.</summary>
    public InstanceRecord? Cached { get; set; }

    /// <summary>Outbox keys already carried out (dropped from the outbox at the next save).</summary>
    public HashSet<string> Dispatched { get; } = new(StringComparer.Ordinal);

    /// <summary>Ticks (time provider timestamp) of the last activity.</summary>
    public long LastActive { get; set; }

    public bool IsBusy
    {
        get
        {
            lock (_gate)
            {
                return _running || _inbox.Count > 0;
            }
        }
    }

    /// <summary>Adds an item; false when the actor is retired (post to a new one).</summary>
    public bool TryPost(InboxItem item)
    {
        lock (_gate)
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

    /// <summary>Retires the actor when idle; a retired actor takes no more items.</summary>
    public bool TryRetire()
    {
        lock (_gate)
        {
            if (_running || _inbox.Count > 0)
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
            lock (_gate)
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
