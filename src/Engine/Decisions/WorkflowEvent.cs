using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Engine.Decisions;

/// <summary>
/// Something that happened to an instance. Every event has an <see cref="Id"/>; applying an event twice,
/// or an event for work that is no longer outstanding, changes nothing.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(InstanceStarted), "started")]
[JsonDerivedType(typeof(NodeSucceeded), "nodeSucceeded")]
[JsonDerivedType(typeof(NodeFailed), "nodeFailed")]
[JsonDerivedType(typeof(TimerFired), "timerFired")]
[JsonDerivedType(typeof(EventRaised), "eventRaised")]
[JsonDerivedType(typeof(ChildCompleted), "childCompleted")]
[JsonDerivedType(typeof(ChildFailed), "childFailed")]
[JsonDerivedType(typeof(TerminateRequested), "terminate")]
[JsonDerivedType(typeof(SuspendRequested), "suspend")]
[JsonDerivedType(typeof(ResumeRequested), "resume")]
[JsonDerivedType(typeof(RerunRequested), "rerun")]
public abstract record WorkflowEvent(string Id);

/// <summary>The instance starts running.</summary>
public sealed record InstanceStarted(string Id) : WorkflowEvent(Id);

/// <summary>A <see cref="RunNode"/> finished well. <paramref name="Key"/> is the command's idempotency key.</summary>
public sealed record NodeSucceeded(string Id, string Key, JsonElement Output) : WorkflowEvent(Id);

/// <summary>A <see cref="RunNode"/> failed. <paramref name="RetryAfter"/> is a server's Retry-After or a circuit's half-open wait.</summary>
public sealed record NodeFailed(string Id, string Key, WorkflowError Error, TimeSpan? RetryAfter = null) : WorkflowEvent(Id);

/// <summary>A <see cref="StartTimer"/> came due.</summary>
public sealed record TimerFired(string Id, string TimerId) : WorkflowEvent(Id);

/// <summary>An event raised for the instance through the API.</summary>
public sealed record EventRaised(string Id, string Name, JsonElement Payload) : WorkflowEvent(Id);

/// <summary>A child started by <see cref="StartChild"/> completed.</summary>
public sealed record ChildCompleted(string Id, string ChildInstanceId, int Version, JsonElement Output) : WorkflowEvent(Id);

/// <summary>A child started by <see cref="StartChild"/> failed, or could not start (e.g. WorkflowNotFound).</summary>
public sealed record ChildFailed(string Id, string ChildInstanceId, int? Version, WorkflowError Error) : WorkflowEvent(Id);

/// <summary>Terminate the instance.</summary>
public sealed record TerminateRequested(string Id, string? Reason) : WorkflowEvent(Id);

/// <summary>Suspend the instance: events are kept until it resumes.</summary>
public sealed record SuspendRequested(string Id, string? Reason) : WorkflowEvent(Id);

/// <summary>Resume a suspended instance.</summary>
public sealed record ResumeRequested(string Id, string? Reason) : WorkflowEvent(Id);

/// <summary>Rerun a Failed instance from its failed nodes.</summary>
public sealed record RerunRequested(string Id) : WorkflowEvent(Id);
