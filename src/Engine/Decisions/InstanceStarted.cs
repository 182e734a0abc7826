namespace Serverless.Engine.Decisions;

/// <summary>The instance starts running.</summary>
public sealed record InstanceStarted(string Id) : WorkflowEvent(Id);
