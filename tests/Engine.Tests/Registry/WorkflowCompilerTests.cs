using System.Text.Json;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;
using Serverless.Engine.Execution;
using Serverless.Engine.Registry;
using Serverless.Engine.Replay;

namespace Serverless.Engine.Tests.Registry;

public sealed class WorkflowCompilerTests
{
    private static readonly DefinitionLimits Raised = new() { MaxNodes = 600 };

    // 550 set nodes: over the default limit of 500 nodes, within the raised one.
    private static string Wide() => JsonSerializer.Serialize(new
    {
        name = "wide",
        nodes = Enumerable.Range(0, 550).ToDictionary(i => $"n{i}", i => (object)new { type = "set", value = i }),
        output = "${{ nodes.n549.output }}",
    });

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Fact]
    public async Task RegisteredUnderRaisedLimits_ResolvesAndRunsThroughTheSameCompiler()
    {
        var ct = Timeout();
        var store = new InMemoryDefinitionStore();
        var compiler = new WorkflowCompiler(Raised);
        var registry = new DefinitionRegistry(store, TimeProvider.System, compiler);

        var registered = await registry.RegisterAsync("wide", Wide(), ct);
        var resolved = await registry.ResolveAsync("wide", registered.Version, ct);

        Assert.Null(registered.Error);
        Assert.Equal(550, resolved!.Nodes.Count);

        // The durable path: the orchestration compiles what its activity loaded, the node activity what it loads.
        var runtime = new StoreRuntime(store);
        var output = await new OrchestrationDriver(runtime, compiler).RunAsync(new OrchestrationInput("wide", 1, JsonDocument.Parse("{}").RootElement));
        Assert.Equal("549", output!.Value.GetRawText());
    }

    [Fact]
    public async Task AnotherCompilerWithTheDefaultLimits_RefusesTheStoredVersionWithAValidationError()
    {
        var ct = Timeout();
        var store = new InMemoryDefinitionStore();
        await new DefinitionRegistry(store, TimeProvider.System, new WorkflowCompiler(Raised)).RegisterAsync("wide", Wide(), ct);

        var error = await Assert.ThrowsAsync<WorkflowFailedException>(
            () => new OrchestrationDriver(new StoreRuntime(store), new WorkflowCompiler()).RunAsync(new OrchestrationInput("wide", 1, JsonDocument.Parse("{}").RootElement)));
        var thrown = Assert.Throws<InvalidDefinitionException>(() => new WorkflowCompiler().Compile("wide", 1, Wide()));

        Assert.Equal(ErrorTypes.ValidationError, error.Error.Type);
        Assert.Contains("Workflow 'wide' version 1 is not valid", error.Error.Message, StringComparison.Ordinal);
        Assert.Equal(thrown.Message, error.Error.Message);
    }

    [Fact]
    public void Compile_SameVersionTwice_ReturnsTheCachedPlan()
    {
        var compiler = new WorkflowCompiler();
        const string json = """{"name":"one","nodes":{"a":{"type":"set","value":1}}}""";

        var first = compiler.Compile("one", 4, json);
        var second = compiler.Compile("one", 4, json);

        Assert.Same(first, second);
        Assert.True(compiler.TryGetCompiled("one", 4, out var cached));
        Assert.Same(first, cached);
        Assert.False(compiler.TryGetCompiled("one", 5, out _));
    }

    [Fact]
    public async Task NodeActivity_UsesTheCompilerItIsGiven()
    {
        var ct = Timeout();
        var store = new InMemoryDefinitionStore();
        var compiler = new WorkflowCompiler(Raised);
        await new DefinitionRegistry(store, TimeProvider.System, compiler).RegisterAsync("wide", Wide().Replace("\"n0\":{\"type\":\"set\",\"value\":0}", "\"n0\":{\"type\":\"activity\",\"activity\":\"x\"}", StringComparison.Ordinal), ct);
        var executor = new EchoExecutor();

        var raised = await new NodeActivity(new DefinitionStoreSource(store), executor, compiler)
            .RunAsync(new NodeActivityRequest("i", "wide", 1, new RunNode("i/n0/1/0", "n0", "n0", JsonDocument.Parse("1").RootElement, null)), ct);
        var defaults = await new NodeActivity(new DefinitionStoreSource(store), executor, new WorkflowCompiler())
            .RunAsync(new NodeActivityRequest("i", "wide", 1, new RunNode("i/n0/1/0", "n0", "n0", JsonDocument.Parse("1").RootElement, null)), ct);

        Assert.True(raised.Succeeded);
        Assert.Equal(ErrorTypes.ValidationError, defaults.Error!.Type);
    }

    private sealed class EchoExecutor : INodeExecutor
    {
        public Task<NodeOutcome> ExecuteAsync(NodeWork work, CancellationToken cancellationToken)
            => Task.FromResult(NodeOutcome.Success(work.Command.Input));
    }

    /// <summary>Just enough of a durable runtime for set-only workflows: definitions come from the store.</summary>
    private sealed class StoreRuntime(IDefinitionStore store) : IOrchestrationRuntime
    {
        public string InstanceId => "wide-1";

        public bool IsReplaying => false;

        public DateTimeOffset UtcNow => new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        public Task<DefinitionSnapshot?> LoadDefinitionAsync(string workflow, int? version)
            => new DefinitionStoreSource(store).GetAsync(workflow, version, CancellationToken.None);

        public Task<NodeOutcome> RunNodeAsync(NodeActivityRequest request) => throw new NotSupportedException();

        public Task CreateTimer(DateTimeOffset dueAt, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<JsonElement> WaitForEventAsync(string name) => throw new NotSupportedException();

        public Task<ChildOutcome> RunChildAsync(ChildRequest request) => throw new NotSupportedException();

        public Task TerminateChildAsync(string childInstanceId, string reason) => throw new NotSupportedException();

        public Task SaveCheckpointAsync(Continuation checkpoint) => Task.CompletedTask;

        public void SetCustomStatus(object? status)
        {
        }

        public void ContinueAsNew(OrchestrationInput input) => throw new NotSupportedException();
    }
}
