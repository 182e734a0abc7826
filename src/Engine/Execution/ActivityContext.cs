namespace Serverless.Engine.Execution;

/// <summary>What an activity knows about the attempt it runs.</summary>
/// <param name="InstanceId">The workflow instance.</param>
/// <param name="NodeId">The node's id in the definition.</param>
/// <param name="Path">The node path, e.g. <c>invoice</c> or <c>each[3].invoice</c>.</param>
/// <param name="IdempotencyKey">Stable across redeliveries of the same attempt; differs per attempt and rerun.</param>
/// <param name="Attempt">The attempt number, from 1.</param>
public sealed record ActivityContext(string InstanceId, string NodeId, string Path, string IdempotencyKey, int Attempt);
