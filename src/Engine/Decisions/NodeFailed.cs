namespace Serverless.Engine.Decisions;

/// <summary>A <see cref="RunNode"/> failed. <paramref name="RetryAfter"/> is a server's Retry-After or a circuit's half-open wait.</summary>
public sealed record NodeFailed(string Id, string Key, WorkflowError Error, TimeSpan? RetryAfter = null) : WorkflowEvent(Id);
