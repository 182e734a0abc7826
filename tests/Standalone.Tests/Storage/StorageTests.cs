using System.Text.Json;
using Microsoft.Extensions.Options;
using Serverless.Engine.Decisions;
using Serverless.Engine.Registry;
using Serverless.Standalone.Storage;
using Serverless.Standalone.Tests.Infrastructure;

namespace Serverless.Standalone.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class StorageTests(AzuriteFixture azurite)
{
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private async Task<TaskHubStorage> StorageAsync(string hub, CancellationToken ct)
    {
        var options = Options.Create(new StandaloneHostOptions { Storage = new StorageOptions { ConnectionString = azurite.ConnectionString, TaskHub = hub } });
        var storage = new TaskHubStorage(options, new StorageRequestCounter());
        await storage.EnsureCreatedAsync(ct);
        return storage;
    }

    [Fact]
    public async Task TableDefinitionStore_ConcurrentAddsOfOneVersion_ExactlyOneWins()
    {
        var ct = Timeout();
        var storage = await StorageAsync("defstore", ct);
        var store = new TableDefinitionStore(storage.Definitions);
        var big = "{\"name\":\"d\",\"description\":\"" + new string('z', 200_000) + "\",\"nodes\":{}}";

        Assert.True(await store.TryAddAsync(new StoredDefinition("d", 1, big, DateTimeOffset.UtcNow), ct));
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => store.TryAddAsync(new StoredDefinition("d", 2, $"{{\"v\":{i}}}", DateTimeOffset.UtcNow), ct)));

        Assert.Equal(1, results.Count(r => r));
        Assert.False(await store.TryAddAsync(new StoredDefinition("d", 4, "{}", DateTimeOffset.UtcNow), ct));
        Assert.Equal(2, (await store.GetLatestAsync("d", ct))!.Version);
        Assert.Equal(big, (await store.GetAsync("d", 1, ct))!.Json);
        Assert.Equal([1, 2], (await store.ListVersionsAsync("d", ct)).Select(v => v.Version));
        Assert.Contains(await store.ListAsync(ct), s => s.Name == "d" && s.LatestVersion == 2);
    }

    [Fact]
    public async Task InstanceStore_StateOverInlineLimit_GoesToBlobAndRoundTrips()
    {
        var ct = Timeout();
        var storage = await StorageAsync("instore", ct);
        var options = Options.Create(new StandaloneHostOptions { InlineStateLimit = 10_000 });
        var store = new InstanceStore(storage, options);
        var input = JsonSerializer.SerializeToElement(new string('q', 50_000));
        var state = new InstanceState { InstanceId = "big-state", Workflow = "w", Version = 1, Input = input, CreatedAt = DateTimeOffset.UtcNow, LastUpdatedAt = DateTimeOffset.UtcNow };
        var run = new RunNode("big-state:a:0:1", "a", "a", input, null);
        var outbox = InstanceRecord.EmptyOutbox.Add("run:a", run);

        var (created, record) = await store.TryInsertAsync(new InstanceRecord(state, outbox, new ParentRef("p", "n"), false, default, null), ct);
        var read = await store.GetAsync("big-state", ct);
        var saved = await store.SaveAsync(read! with { State = read.State with { Status = InstanceStatus.Running } }, ct);
        var again = await store.GetAsync("big-state", ct);

        Assert.True(created);
        Assert.NotNull(record.StateBlob);
        Assert.Equal(input.GetString(), read!.State.Input.GetString());
        Assert.Equal("big-state:a:0:1", ((RunNode)read.Outbox["run:a"]).Key);
        Assert.Equal(new ParentRef("p", "n"), read.Parent);
        Assert.Equal(InstanceStatus.Running, again!.State.Status);
        Assert.NotEqual(record.StateBlob, saved.StateBlob);
        Assert.False(await storage.Large.GetBlobClient(record.StateBlob).ExistsAsync(ct));
        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => store.SaveAsync(read, ct));
    }

    [Fact]
    public async Task MessageSender_LargeEventAndFarTimer_UsesBlobAndCapsVisibility()
    {
        var ct = Timeout();
        var storage = await StorageAsync("messages", ct);
        var options = Options.Create(new StandaloneHostOptions());
        var sender = new MessageSender(storage, options, TimeProvider.System);
        var payload = JsonSerializer.SerializeToElement(new string('e', 100_000));

        await sender.SendAsync("inst", new EventRaised("ev-1", "go", payload), null, ct);
        var queue = storage.ControlQueues[sender.PartitionOf("inst")];
        var received = (await queue.ReceiveMessagesAsync(1, cancellationToken: ct)).Value.Single();
        var (control, @event) = await sender.ReadAsync(received, ct);

        Assert.NotNull(control.EventBlob);
        Assert.Equal(payload.GetString(), ((EventRaised)@event).Payload.GetString());
        Assert.Equal(MessageSender.MaxDelay, sender.VisibilityFor(DateTimeOffset.UtcNow.AddDays(30)));
        Assert.Equal(TimeSpan.FromSeconds(9), sender.VisibilityFor(DateTimeOffset.UtcNow.AddSeconds(9.9)));
        Assert.Null(sender.VisibilityFor(DateTimeOffset.UtcNow.AddMilliseconds(500)));
        await sender.DeleteAsync(sender.PartitionOf("inst"), received, control);
        Assert.False(await storage.Large.GetBlobClient(control.EventBlob).ExistsAsync(ct));
    }

    [Fact]
    public void Partitioning_SameId_SamePartitionEverywhere()
    {
        Assert.Equal(Partitioning.Of("order-42", 4), Partitioning.Of("order-42", 4));
        Assert.InRange(Partitioning.Of("order-42", 4), 0, 3);
        var spread = Enumerable.Range(0, 400).Select(i => Partitioning.Of($"i-{i}", 4)).GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, spread.Count);
        Assert.All(spread.Values, n => Assert.InRange(n, 50, 150));
    }
}
