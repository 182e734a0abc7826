using System.Collections.Immutable;
using System.Text.Json;
using Serverless.DurableTask.Http;
using Serverless.DurableTask.Tests.Infrastructure;
using Serverless.Engine.Decisions;
using Serverless.Engine.Replay;
using Serverless.Engine.Telemetry;

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

    [Fact]
    public async Task Start_OfAnIdWhosePurgeLeftACheckpoint_RecordsTheNewInstancesNodes()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = timeout.Token;
        var store = fixture.Hub.Checkpoints;
        await fixture.Hub.RegisterAsync("""{"name":"cp-seq","nodes":{"a":{"type":"set","value":"${{ input }}"}},"output":"${{ nodes.a.output }}"}""", ct);

        // What the Durable extension's own purge route leaves: a checkpoint ranked above a new instance's first ones.
        await store.SaveAsync("cp-reused", Checkpoint(50, 500), ct);
        var backend = new DurableInstanceBackend(fixture.Hub.Client, store);
        var plan = await fixture.Hub.Registry.ResolveAsync("cp-seq", null, ct);
        Assert.Null(await backend.StartAsync(plan!, "cp-reused", JsonSerializer.SerializeToElement(3), InstanceTrace.Under(default), ct));
        await fixture.Hub.WaitAsync("cp-reused", ct);

        var state = await fixture.Hub.StateAsync("cp-reused", ct);
        Assert.Equal(InstanceStatus.Completed, state!.Status);
        Assert.Equal(NodeStatus.Succeeded, state.Nodes["a"].Status);
    }
}
