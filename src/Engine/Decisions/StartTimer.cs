namespace Serverless.Engine.Decisions;

/// <summary>Start a durable timer that reports <see cref="TimerFired"/> at <see cref="DueAt"/>, never earlier.</summary>
internal sealed record StartTimer(string TimerId, DateTimeOffset DueAt) : WorkflowCommand;
