using Serverless.Engine.Decisions;

namespace Serverless.Standalone.Storage;

/// <summary>A message on a control queue: an event for an instance, inline or in a blob.</summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="Event">The event, when inline.</param>
/// <param name="EventBlob">The blob holding the event, when large.</param>
/// <param name="DueAt">For timers: when the event may be applied, never earlier.</param>
internal sealed record ControlMessage(string InstanceId, WorkflowEvent? Event, string? EventBlob, DateTimeOffset? DueAt);
