namespace Serverless.Engine.Decisions;

/// <summary>A child started by <see cref="StartChild"/> failed, or could not start (e.g. WorkflowNotFound).</summary>
public sealed record ChildFailed(string Id, string ChildInstanceId, int? Version, WorkflowError Error) : WorkflowEvent(Id);
