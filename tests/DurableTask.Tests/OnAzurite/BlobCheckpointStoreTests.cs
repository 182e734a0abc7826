using System.Collections.Immutable;
using Serverless.Engine.Hosting;

namespace Serverless.DurableTask.Tests.OnAzurite;

/// <summary>The task hub's checkpoint store on Azurite: checkpoints saved by activities that finish in any order.</summary>
[Collection(DurableTaskCollection.Name)]
public sealed class BlobCheckpointStoreTests(DurableTaskFixture fixture)
{
    private static Continuation Checkpoint(int generation, long sequence)
        => new($"g{generation}s{sequence}", sequence, ImmutableArray<ArmedTimer>.Empty, ImmutableArray<string>.Empty, ImmutableArray<string>.Empty, generation);

    [Fact]
    public async Task SaveAsync_OlderCheckpointAfterANewerOne_KeepsTheNewer()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var store = fixture.Hub.Checkpoints;

        await store.SaveAsync("cp-order", Checkpoint(1, 5), timeout.Token);
        await store.SaveAsync("cp-order", Checkpoint(1, 3), timeout.Token);
        Assert.Equal("g1s5", (await store.LoadAsync("cp-order", timeout.Token))!.State);

        await store.SaveAsync("cp-order", Checkpoint(2, 0), timeout.Token);
        await store.SaveAsync("cp-order", Checkpoint(1, 9), timeout.Token);
        Assert.Equal("g2s0", (await store.LoadAsync("cp-order", timeout.Token))!.State);
    }

    [Fact]
    public async Task SaveAsync_ManyAtOnceInShuffledOrder_TheNewestWins()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var store = fixture.Hub.Checkpoints;
        var checkpoints = Enumerable.Range(0, 3).SelectMany(g => Enumerable.Range(0, 10).Select(s => Checkpoint(g, s))).ToArray();
        new Random(7).Shuffle(checkpoints);

        await Task.WhenAll(checkpoints.Select(c => store.SaveAsync("cp-race", c, timeout.Token)));

        Assert.Equal("g2s9", (await store.LoadAsync("cp-race", timeout.Token))!.State);
    }
}
