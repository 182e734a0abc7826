using System.Collections.Immutable;
using Azure;
using Serverless.Engine.Decisions;

namespace Serverless.Standalone.Storage;

/// <summary>
/// One instance as stored: the decider state, the outbox of commands saved but not known to be carried out, the parent
/// and the row's ETag. The outbox is written in the same entity as the state, so a crash after a save re-issues it.
/// </summary>
internal sealed record InstanceRecord(
    InstanceState State,
    ImmutableSortedDictionary<string, WorkflowCommand> Outbox,
    ParentRef? Parent,
    bool ParentNotified,
    ETag ETag,
    string? StateBlob)
{
    public static ImmutableSortedDictionary<string, WorkflowCommand> EmptyOutbox { get; } = ImmutableSortedDictionary.Create<string, WorkflowCommand>(StringComparer.Ordinal);

    /// <summary>True while the host still owes the instance something: it is not final, or commands or the parent's report are pending.</summary>
    public bool IsActive => !State.Status.IsFinal || !Outbox.IsEmpty || (Parent is not null && !ParentNotified);

}
