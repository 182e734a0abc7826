namespace Serverless.Engine.Decisions;

/// <summary>A failed attempt of an http, activity or workflow node that a retry followed.</summary>
/// <param name="Attempt">The attempt number, from 1 in the epoch.</param>
/// <param name="StartedAt">When the attempt started.</param>
/// <param name="EndedAt">When it failed (the decider's time of the failure).</param>
/// <param name="ErrorType">The failure's error type.</param>
public sealed record NodeAttempt(int Attempt, DateTimeOffset StartedAt, DateTimeOffset EndedAt, string ErrorType);
