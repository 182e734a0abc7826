namespace Serverless.Engine.Replay;

/// <summary>Limits that keep a Durable Functions orchestration's history and replays cheap.</summary>
public sealed record OrchestrationDriverOptions
{
    /// <summary>
    /// Completions (activities, timers, events, children) one execution handles before it stops scheduling, lets
    /// outstanding work finish and continues as new. Each completion costs about three history events, and every
    /// replay re-reads them all.
    /// <value>Default 1,000.</value>
    /// </summary>
    public int HistoryBound { get; init; } = 1000;

    /// <summary>
    /// Most node runs and children outstanding at once; further ones wait in order. One <c>Task.WhenAny</c> over N
    /// tasks costs O(N) per completion on every replay, so this is also the width of a <c>foreach</c> with
    /// <c>maxConcurrency: 0</c> on this host.
    /// <value>Default 100.</value>
    /// </summary>
    public int MaxOutstandingWork { get; init; } = 100;

    /// <summary>
    /// Completions between checkpoints of the decider state (read by the per-node detail API and by rerun); the final
    /// state is always checkpointed. Each checkpoint is one activity in the history.
    /// <value>Default 25.</value>
    /// </summary>
    public int CheckpointEvery { get; init; } = 25;

    /// <summary>The default options.</summary>
    public static OrchestrationDriverOptions Default { get; } = new();

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (HistoryBound < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(HistoryBound), HistoryBound, "HistoryBound must be at least 1.");
        }

        if (CheckpointEvery < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), CheckpointEvery, "CheckpointEvery must be at least 1.");
        }

        if (MaxOutstandingWork < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxOutstandingWork), MaxOutstandingWork, "MaxOutstandingWork must be at least 1.");
        }
    }
}
