namespace Serverless.Engine.Decisions;

/// <summary>Rerun a Failed instance from its failed nodes.</summary>
public sealed record RerunRequested(string Id) : WorkflowEvent(Id);
