namespace Serverless.Engine.Decisions;

/// <summary>Resume a suspended instance.</summary>
public sealed record ResumeRequested(string Id, string? Reason) : WorkflowEvent(Id);
