using System.Collections.Immutable;

namespace Serverless.Standalone.Storage;

/// <summary>The part of a stored instance that is not decider state.</summary>
internal sealed record InstanceEnvelope(
    ImmutableArray<OutboxItem> Outbox,
    ParentRef? Parent,
    bool ParentNotified);
