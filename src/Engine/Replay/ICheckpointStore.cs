namespace Serverless.Engine.Replay;

/// <summary>
/// Where a durable orchestration's checkpoints go (written by an activity, read by the HTTP API): the per-node detail of
/// an instance and the state a rerun starts from. One checkpoint per instance; the newest wins.
/// </summary>
internal interface ICheckpointStore
{
    /// <summary>Saves <paramref name="checkpoint"/> as the newest for <paramref name="instanceId"/>.</summary>
    Task SaveAsync(string instanceId, Continuation checkpoint, CancellationToken cancellationToken);

    /// <summary>The newest checkpoint, or null when there is none.</summary>
    Task<Continuation?> LoadAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Deletes the checkpoint (when the instance is purged).</summary>
    Task DeleteAsync(string instanceId, CancellationToken cancellationToken);
}
