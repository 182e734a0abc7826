namespace Serverless.Engine.Replay;

/// <summary>A timer carried across a ContinueAsNew.</summary>
/// <param name="TimerId">The decider's timer id.</param>
/// <param name="DueAt">When it fires.</param>
internal sealed record ArmedTimer(string TimerId, DateTimeOffset DueAt);
