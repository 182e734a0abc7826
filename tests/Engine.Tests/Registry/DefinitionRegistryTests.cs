using Serverless.Engine.Registry;

namespace Serverless.Engine.Tests.Registry;

public sealed class DefinitionRegistryTests
{
    private const string V1 = """{"name":"reg","nodes":{"a":{"type":"set","value":1}}}""";
    private const string V1Reordered = """{"nodes":{"a":{"value":1,"type":"set"}},"name":"reg"}""";
    private const string V2 = """{"name":"reg","nodes":{"a":{"type":"set","value":2}}}""";

    [Fact]
    public async Task RegisterAsync_VersioningRule_NewEqualChangedBack()
    {
        var registry = new DefinitionRegistry(new InMemoryDefinitionStore(), TimeProvider.System);
        var ct = new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

        var first = await registry.RegisterAsync("reg", V1, ct);
        var same = await registry.RegisterAsync("reg", V1Reordered, ct);
        var second = await registry.RegisterAsync("reg", V2, ct);
        var backToFirst = await registry.RegisterAsync("reg", V1, ct);

        Assert.Equal((1, true), (first.Version, first.Created));
        Assert.Equal((1, false), (same.Version, same.Created));
        Assert.Equal((2, true), (second.Version, second.Created));
        Assert.Equal((3, true), (backToFirst.Version, backToFirst.Created));
        Assert.Equal(3, (await registry.ResolveAsync("reg", null, ct))!.Version);
        Assert.Equal(2, (await registry.ResolveAsync("reg", 2, ct))!.Version);
        Assert.Null(await registry.ResolveAsync("reg", 9, ct));
        Assert.Null(await registry.ResolveAsync("nope", null, ct));
    }

    [Fact]
    public async Task RegisterAsync_InvalidOrMismatchedName_ReturnsValidationErrorAndStoresNothing()
    {
        var store = new InMemoryDefinitionStore();
        var registry = new DefinitionRegistry(store, TimeProvider.System);
        var ct = new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

        var invalid = await registry.RegisterAsync("reg", """{"name":"reg","nodes":{"a":{"type":"nope"}}}""", ct);
        var mismatch = await registry.RegisterAsync("other", V1, ct);

        Assert.Equal(400, invalid.Error!.StatusCode);
        Assert.NotEmpty(invalid.Error.Details!);
        Assert.Equal("/name", mismatch.Error!.Details![0].Path);
        Assert.Empty(await store.ListAsync(ct));
    }

    [Fact]
    public void Validate_ReportsValidity()
    {
        Assert.True(DefinitionRegistry.Validate(V1)["valid"]!.GetValue<bool>());
        Assert.False(DefinitionRegistry.Validate("""{"name":"reg"}""")["valid"]!.GetValue<bool>());
    }
}
