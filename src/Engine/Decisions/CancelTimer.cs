namespace Serverless.Engine.Decisions;

/// <summary>A timer is no longer needed; a late <see cref="TimerFired"/> is ignored anyway.</summary>
internal sealed record CancelTimer(string TimerId) : WorkflowCommand;
