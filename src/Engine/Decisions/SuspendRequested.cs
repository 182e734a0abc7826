namespace Serverless.Engine.Decisions;

/// <summary>Suspend the instance: events are kept until it resumes.</summary>
public sealed record SuspendRequested(string Id, string? Reason) : WorkflowEvent(Id);
