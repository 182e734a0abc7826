using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Azure;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;

namespace Serverless.Standalone.Storage;

/// <summary>The parent of a child instance: where to report its end.</summary>
/// <param name="InstanceId">The parent instance.</param>
/// <param name="Path">The parent's workflow node path.</param>
internal sealed record ParentRef(string InstanceId, string Path);

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

/// <summary>The part of a stored instance that is not decider state.</summary>
internal sealed record InstanceEnvelope(
    ImmutableArray<OutboxItem> Outbox,
    ParentRef? Parent,
    bool ParentNotified);

/// <summary>One outbox entry.</summary>
internal sealed record OutboxItem(string Key, WorkflowCommand Command);

/// <summary>A message on a control queue: an event for an instance, inline or in a blob.</summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="Event">The event, when inline.</param>
/// <param name="EventBlob">The blob holding the event, when large.</param>
/// <param name="DueAt">For timers: when the event may be applied, never earlier.</param>
internal sealed record ControlMessage(string InstanceId, WorkflowEvent? Event, string? EventBlob, DateTimeOffset? DueAt);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(InstanceEnvelope))]
[JsonSerializable(typeof(ControlMessage))]
[JsonSerializable(typeof(WorkflowEvent))]
internal sealed partial class HostJsonContext : JsonSerializerContext;

/// <summary>Maps instance ids to partitions with a stable hash (FNV-1a over UTF-16 code units), the same in every process.</summary>
internal static class Partitioning
{
    public static int Of(string instanceId, int partitions)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        var hash = 2166136261u;
        foreach (var c in instanceId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)partitions);
    }
}
