using System.Text.Json.Serialization;

namespace Serverless.Engine.Decisions;

/// <summary>What the decider asks its host to do. Hosts carry commands out; they decide nothing.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(RunNode), "runNode")]
[JsonDerivedType(typeof(StartTimer), "startTimer")]
[JsonDerivedType(typeof(CancelTimer), "cancelTimer")]
[JsonDerivedType(typeof(WaitForEvent), "waitForEvent")]
[JsonDerivedType(typeof(StartChild), "startChild")]
[JsonDerivedType(typeof(TerminateChild), "terminateChild")]
[JsonDerivedType(typeof(CompleteInstance), "complete")]
[JsonDerivedType(typeof(FailInstance), "fail")]
internal abstract record WorkflowCommand;
