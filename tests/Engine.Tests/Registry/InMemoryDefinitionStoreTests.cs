using Serverless.Engine.Registry;

namespace Serverless.Engine.Tests.Registry;

public sealed class InMemoryDefinitionStoreTests
{
    [Fact]
    public async Task TryAddAsync_OnlyTheNextVersion_IsAccepted()
    {
        var store = new InMemoryDefinitionStore();
        var ct = new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
        var at = DateTimeOffset.UnixEpoch;

        Assert.False(await store.TryAddAsync(new StoredDefinition("w", 2, "{}", at), ct));
        Assert.True(await store.TryAddAsync(new StoredDefinition("w", 1, "{}", at), ct));
        Assert.False(await store.TryAddAsync(new StoredDefinition("w", 1, "{}", at), ct));
        Assert.True(await store.TryAddAsync(new StoredDefinition("w", 2, "{\"v\":2}", at), ct));

        Assert.Equal(2, (await store.GetLatestAsync("w", ct))!.Version);
        Assert.Equal("{}", (await store.GetAsync("w", 1, ct))!.Json);
        Assert.Null(await store.GetAsync("w", 3, ct));
        Assert.Equal([1, 2], (await store.ListVersionsAsync("w", ct)).Select(v => v.Version));
        Assert.Equal(new DefinitionSummary("w", 2, at), Assert.Single(await store.ListAsync(ct)));
    }
}
