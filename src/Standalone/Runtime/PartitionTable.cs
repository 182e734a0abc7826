namespace Serverless.Standalone.Runtime;

/// <summary>The partitions this process owns, read on every request and event (lock-free).</summary>
internal sealed class PartitionTable(int partitions)
{
    private readonly int[] _states = new int[partitions];

    public int Count => _states.Length;

    public PartitionState this[int partition]
    {
        get => (PartitionState)Volatile.Read(ref _states[partition]);
        set => Volatile.Write(ref _states[partition], (int)value);
    }

    /// <summary>True when this process may apply events to the partition's instances.</summary>
    public bool MayApply(int partition) => this[partition] != PartitionState.NotOwned;

    /// <summary>True when this process may start new work for the partition's instances.</summary>
    public bool MayStart(int partition) => this[partition] == PartitionState.Owned;

    public IReadOnlyList<int> Owned() => [.. Enumerable.Range(0, _states.Length).Where(p => this[p] != PartitionState.NotOwned)];
}
