namespace Serverless.Engine.Decisions;

/// <summary>Terminate the instance.</summary>
public sealed record TerminateRequested(string Id, string? Reason) : WorkflowEvent(Id);
