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
