using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Azure;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;

namespace Serverless.Standalone.Storage;

/// <summary>The part of a stored instance that is not decider state.</summary>
internal sealed record InstanceEnvelope(
    ImmutableArray<OutboxItem> Outbox,
    ParentRef? Parent,
    bool ParentNotified);
