using Serverless.Engine.Replay;

namespace Serverless.DurableTask;

/// <summary>Input of <see cref="TaskNames.SaveCheckpoint"/>.</summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="Checkpoint">The checkpoint.</param>
internal sealed record CheckpointRequest(string InstanceId, Continuation Checkpoint);
