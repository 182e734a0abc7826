namespace Serverless.Engine.Decisions;

/// <summary>The instance failed with <see cref="Error"/>.</summary>
internal sealed record FailInstance(WorkflowError Error) : WorkflowCommand;
