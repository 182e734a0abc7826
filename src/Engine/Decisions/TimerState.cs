namespace Serverless.Engine.Decisions;

/// <summary>An outstanding durable timer.</summary>
/// <param name="DueAt">When it fires.</param>
/// <param name="Path">The node it belongs to; "" for the instance timeout.</param>
/// <param name="Purpose">What it is for.</param>
public sealed record TimerState(DateTimeOffset DueAt, string Path, TimerPurpose Purpose);
