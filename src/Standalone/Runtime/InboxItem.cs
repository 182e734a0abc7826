using Serverless.Engine;
using Serverless.Engine.Decisions;

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

    /// <summary>
    /// Completed once the event is saved, or with why it was not applied (API calls wait on it); faulted only by a real
    /// failure (storage unreachable, a bug).
    /// </summary>
    public TaskCompletionSource<InboxOutcome>? Saved { get; init; }

    /// <summary>Called after a successful save (deletes the queue message).</summary>
    public Func<Task>? OnSaved { get; init; }

    /// <summary>Called when processing failed (releases the queue message for a later delivery).</summary>
    public Func<Task>? OnFailed { get; init; }

    /// <summary>True for items from a control queue: a failure leaves them to a later delivery.</summary>
    public bool FromQueue { get; init; }

    /// <summary>
    /// Carries out again what the instance's state owes (timers, outbox, parent report): posted after a failed save threw
    /// away unsaved progress, whose effects may be lost with it.
    /// </summary>
    public bool Reload { get; init; }

    /// <summary>Times processing this in-process item failed (storage being unreachable does not count).</summary>
    public int Attempts { get; private set; }

    /// <summary>Times this item waited for storage to answer again, or for its instance to reload (sets the backoff).</summary>
    public int Waits { get; private set; }

    /// <summary>Counts a failed attempt; returns the new count.</summary>
    public int CountAttempt() => ++Attempts;

    /// <summary>Counts a wait; returns the new count.</summary>
    public int CountWait() => ++Waits;
}
