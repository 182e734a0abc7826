namespace Serverless.Engine.Decisions;

/// <summary>A <see cref="StartTimer"/> came due.</summary>
public sealed record TimerFired(string Id, string TimerId) : WorkflowEvent(Id);
