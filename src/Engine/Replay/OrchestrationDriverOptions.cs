using System.ComponentModel.DataAnnotations;

namespace Serverless.Engine.Replay;

/// <summary>Limits that keep a Durable Functions orchestration's history and replays cheap.</summary>
public sealed record OrchestrationDriverOptions
{
    /// <summary>
    /// Completions (activities, timers, events, children) one execution handles before it stops scheduling, lets
    /// outstanding work finish and continues as new. Each completion costs about three history events, and every
    /// replay re-reads them all.
    /// At least 1.
    /// </summary>
    /// <value>Defaults to 1,000.</value>
    [Range(1, int.MaxValue)]
    public int HistoryBound { get; init; } = 1000;

    /// <summary>
    /// Most node runs and children outstanding at once; further ones wait in order. One <c>Task.WhenAny</c> over N
    /// tasks costs O(N) per completion on every replay, so this is also the width of a <c>foreach</c> with
    /// <c>maxConcurrency: 0</c> on this host.
    /// At least 1.
    /// </summary>
    /// <value>Defaults to 100.</value>
    [Range(1, int.MaxValue)]
    public int MaxOutstandingWork { get; init; } = 100;

    /// <summary>
    /// Completions between checkpoints of the decider state (read by the per-node detail API and by rerun); the final
    /// state is always checkpointed. Each checkpoint is one activity in the history.
    /// At least 1.
    /// </summary>
    /// <value>Defaults to 25.</value>
    [Range(1, int.MaxValue)]
    public int CheckpointEvery { get; init; } = 25;

    /// <summary>The default options.</summary>
    public static OrchestrationDriverOptions Default { get; } = new();

    /// <summary>Throws <see cref="InvalidOperationException"/> naming every value out of range (the rules of <see cref="OrchestrationDriverOptionsValidator"/>).</summary>
    public void Validate() => new OrchestrationDriverOptionsValidator().ThrowIfInvalid(this);
}
