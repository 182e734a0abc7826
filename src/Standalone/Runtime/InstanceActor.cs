using System.Collections.Immutable;
using Serverless.Engine.Decisions;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Runtime;

/// <summary>
/// One instance in memory: a mailbox applied one batch at a time (never two batches at once), the latest state
/// (which may be ahead of storage by the batches whose save is in flight) and the bookkeeping of group commit: at most
/// one save runs at a time and each covers every batch applied since the previous one. Items (API calls, queue
/// messages) complete, and effects (timers, children, reports) happen, only once a save covering them succeeded. This
/// process is the only writer of an instance while it owns the partition's lease; the ETag catches the rest.
/// </summary>
/// <remarks>
/// The actor owns its state and the lock guarding it; the runtime signals events (a batch begins, a batch was
/// applied, a save begins, completes or fails) and gets back what to do next (what to save, what to release).
/// </remarks>
internal sealed class InstanceActor(string instanceId, int partition, Func<InstanceActor, IReadOnlyList<InboxItem>, Task> process)
{
    private readonly Lock _gate = new();
    private readonly List<InboxItem> _inbox = [];
    private readonly List<AwaitingSave> _awaitingSave = [];
    private readonly HashSet<string> _dispatched = new(StringComparer.Ordinal);
    private bool _running;
    private bool _retired;

    // The latest record (may be ahead of storage), or null to read it from storage.
    private InstanceRecord? _current;

    // The ETag and state blob of the last successful save (or read).
    private Azure.ETag _etag;
    private string? _stateBlob;

    // Bumped for every batch that changed the record; _savedVersion is the last one saved.
    private long _version;
    private long _savedVersion;

    // Bumped when the in-memory record is thrown away (a failed save, a dropped partition).
    private long _generation;
    private bool _saving;
    private long _lastActive;

    public string InstanceId { get; } = instanceId;

    public int Partition { get; } = partition;

    /// <summary>Timestamp of the last activity.</summary>
    public long LastActive => Interlocked.Read(ref _lastActive);

    public bool IsBusy
    {
        get
        {
            lock (_gate)
            {
                return HasWork;
            }
        }
    }

    /// <summary>True when the record held is no longer active (final and its parent told): the actor may retire.</summary>
    public bool HoldsInactiveRecord
    {
        get
        {
            lock (_gate)
            {
                return _current is { IsActive: false };
            }
        }
    }

    /// <summary>Records activity at <paramref name="timestamp"/>.</summary>
    public void Touch(long timestamp) => Interlocked.Exchange(ref _lastActive, timestamp);

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

    /// <summary>Retires the actor when idle and saved; a retired actor takes no more items.</summary>
    public bool TryRetire()
    {
        lock (_gate)
        {
            if (HasWork || _awaitingSave.Count > 0)
            {
                return false;
            }

            _retired = true;
            return true;
        }
    }

    /// <summary>Takes a freshly written record (a created instance) unless unsaved or in-flight progress is ahead of it.</summary>
    public void Seed(InstanceRecord record)
    {
        lock (_gate)
        {
            if (!_saving && _version == _savedVersion)
            {
                Hold(record);
            }
        }
    }

    /// <summary>
    /// Takes a record read while taking over the partition, unless the actor already holds the instance (an event
    /// arrived since the partition was taken) or a save is in flight.
    /// </summary>
    public void TakeOver(InstanceRecord record)
    {
        lock (_gate)
        {
            if (_current is null && !_saving)
            {
                Hold(record);
                _version = _savedVersion = 0;
            }
        }
    }

    /// <summary>Forgets the record (the partition was dropped) unless a save is in flight, which settles it itself.</summary>
    public void Forget()
    {
        lock (_gate)
        {
            if (!_saving)
            {
                Drop();
            }
        }
    }

    /// <summary>Starts applying a batch: the record to apply it to (null: read it from storage) and the generation it belongs to.</summary>
    public (InstanceRecord? Record, long Generation) BeginBatch()
    {
        lock (_gate)
        {
            return (_current, _generation);
        }
    }

    /// <summary>
    /// Takes the record read from storage for a batch begun in <paramref name="generation"/> and returns the record to
    /// apply it to (one that arrived meanwhile wins); null when the instance was reset since, so the batch is applied again.
    /// </summary>
    public InstanceRecord? Load(InstanceRecord loaded, long generation)
    {
        lock (_gate)
        {
            if (_generation != generation)
            {
                return null;
            }

            Hold(_current ?? loaded);
            return _current;
        }
    }

    /// <summary>
    /// The outbox after a decision, leaving out what was already carried out (see <see cref="InstanceRuntime.NextOutbox"/>);
    /// forgets the carried-out keys the new outbox no longer holds.
    /// </summary>
    public ImmutableSortedDictionary<string, WorkflowCommand> NextOutbox(
        ImmutableSortedDictionary<string, WorkflowCommand> outbox, IReadOnlyList<WorkflowCommand> commands, InstanceState state)
    {
        lock (_gate)
        {
            var next = InstanceRuntime.NextOutbox(outbox, commands, state, _dispatched);
            _dispatched.IntersectWith(next.Keys);
            return next;
        }
    }

    /// <summary>Records that an outbox entry was carried out (it leaves the outbox at the next save).</summary>
    public void MarkDispatched(string outboxKey)
    {
        lock (_gate)
        {
            _dispatched.Add(outboxKey);
        }
    }

    /// <summary>
    /// Ends a batch begun in <paramref name="generation"/>: holds <paramref name="next"/> as the latest record when
    /// <paramref name="changed"/>, and lets the accepted items and the effect wait for the save covering it. False when
    /// the instance was reset since (nothing is kept; the batch is applied again).
    /// </summary>
    public bool TryEndBatch(long generation, InstanceRecord next, bool changed, IReadOnlyList<InboxItem> accepted, Action effect)
    {
        lock (_gate)
        {
            if (_generation != generation)
            {
                return false;
            }

            if (changed)
            {
                _current = next;
                _version++;
            }

            foreach (var item in accepted)
            {
                _awaitingSave.Add(new AwaitingSave(_version, item, null));
            }

            _awaitingSave.Add(new AwaitingSave(_version, null, effect));
            return true;
        }
    }

    /// <summary>
    /// Starts saving unless a save is in flight (it covers the new batch too) or nothing is unsaved. True when the caller
    /// must run the save loop (<see cref="NextSave"/>); otherwise <paramref name="released"/> holds what is saved already.
    /// </summary>
    public bool TryBeginSave(out IReadOnlyList<AwaitingSave> released)
    {
        lock (_gate)
        {
            released = [];
            if (_saving)
            {
                return false;
            }

            if (_version == _savedVersion)
            {
                released = TakeSaved();
                return false;
            }

            _saving = true;
            return true;
        }
    }

    /// <summary>
    /// The next save of the save loop, or null when everything is saved (the loop ends and <paramref name="released"/>
    /// holds what waited for it).
    /// </summary>
    public PendingSave? NextSave(out IReadOnlyList<AwaitingSave> released)
    {
        lock (_gate)
        {
            if (_version == _savedVersion || _current is null)
            {
                _saving = false;
                released = TakeSaved();
                return null;
            }

            released = [];
            return new PendingSave(_current with { ETag = _etag, StateBlob = _stateBlob }, _version);
        }
    }

    /// <summary>Records a successful save; returns what waited for it.</summary>
    public IReadOnlyList<AwaitingSave> CompleteSave(PendingSave save, InstanceRecord saved)
    {
        lock (_gate)
        {
            _etag = saved.ETag;
            _stateBlob = saved.StateBlob;
            _savedVersion = save.Version;
            return TakeSaved();
        }
    }

    /// <summary>
    /// Records a failed save: the unsaved progress is thrown away (the record is read again) and the save loop ends.
    /// Returns everything that waited for a save: its items are failed, its effects are lost with the progress.
    /// </summary>
    public IReadOnlyList<AwaitingSave> FailSave()
    {
        lock (_gate)
        {
            List<AwaitingSave> lost = [.. _awaitingSave];
            _awaitingSave.Clear();
            Drop();
            _saving = false;
            return lost;
        }
    }

    // A batch is being applied or waits, a save is in flight, or applied progress is not saved yet. Callers hold _gate.
    private bool HasWork => _running || _inbox.Count > 0 || _saving || _version != _savedVersion;

    // Throws the in-memory record away: the next batch reads it from storage, and batches begun before see the new
    // generation and apply again. Callers hold _gate.
    private void Drop()
    {
        _current = null;
        _generation++;
        _version = _savedVersion = 0;
    }

    private void Hold(InstanceRecord record)
    {
        _current = record;
        _etag = record.ETag;
        _stateBlob = record.StateBlob;
    }

    private List<AwaitingSave> TakeSaved()
    {
        var ready = _awaitingSave.Where(a => a.Version <= _savedVersion).ToList();
        _awaitingSave.RemoveAll(a => a.Version <= _savedVersion);
        return ready;
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
