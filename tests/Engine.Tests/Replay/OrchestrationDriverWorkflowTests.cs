using System.Collections.Concurrent;
using System.Text.Json;
using Serverless.Engine.Definitions;
using Serverless.Engine.Execution;
using Serverless.Engine.Registry;
using Serverless.Engine.Replay;

namespace Serverless.Engine.Tests.Replay;

/// <summary>Real definitions through the real parser and decider, driven by the driver over an in-memory runtime.</summary>
public sealed class OrchestrationDriverWorkflowTests
{
    private const string FanOut = """
        {"name":"fan","nodes":{
          "each":{"type":"foreach","items":"${{ input.items }}","maxConcurrency":0,
                  "body":{"nodes":{"double":{"type":"activity","activity":"double","input":"${{ item }}"}},
                          "output":"${{ nodes.double.output }}"}}},
         "output":"${{ nodes.each.output }}"}
        """;

    private const string Flaky = """
        {"name":"flaky","nodes":{
          "call":{"type":"activity","activity":"flaky",
                  "retry":{"errors":["Timeout"],"maxAttempts":3,"interval":"PT1S","backoff":1,"jitter":"none"}}},
         "output":"${{ nodes.call.output }}"}
        """;

    private const string Approval = """
        {"name":"approval","nodes":{"approve":{"type":"event","event":"approve"}},"output":"${{ nodes.approve.output }}"}
        """;

    private const string Parent = """
        {"name":"parent","nodes":{"sub":{"type":"workflow","workflow":"fan","input":{"items":[5,6]}}},
         "output":"${{ nodes.sub.output }}"}
        """;

    private static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Fact]
    public async Task RunAsync_FanOutOfTwenty_CollectsEveryItemInOrder()
    {
        var world = new World(FanOut);
        var items = Enumerable.Range(1, 20).ToArray();

        var output = await world.RunToEndAsync("fan-1", "fan", JsonSerializer.SerializeToElement(new { items }), Timeout());

        Assert.Equal(JsonSerializer.Serialize(items.Select(i => i * 2)), output.GetRawText());
        Assert.Equal(20, world.Calls.Count(c => c.StartsWith("double", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RunAsync_FanOutPastTheHistoryBound_ContinuesAsNewAndEndsTheSame()
    {
        var world = new World(FanOut) { Options = new OrchestrationDriverOptions { HistoryBound = 6, MaxOutstandingWork = 4 } };
        var items = Enumerable.Range(1, 20).ToArray();

        var output = await world.RunToEndAsync("fan-2", "fan", JsonSerializer.SerializeToElement(new { items }), Timeout());

        Assert.Equal(JsonSerializer.Serialize(items.Select(i => i * 2)), output.GetRawText());
        Assert.True(world.Executions >= 3, $"expected several executions, got {world.Executions}");
        Assert.Equal(20, world.Calls.Count(c => c.StartsWith("double", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RunAsync_RetryOnAShortTimer_RunsTheSecondAttemptAfterTheDelay()
    {
        var world = new World(Flaky);

        var output = await world.RunToEndAsync("flaky-1", "flaky", JsonSerializer.SerializeToElement(new { }), Timeout());

        Assert.Equal("\"second time lucky\"", output.GetRawText());
        Assert.Equal(Start.AddSeconds(1), Assert.Single(world.TimersDue));
        Assert.Equal(2, world.Calls.Count(c => c.StartsWith("flaky", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RunAsync_Event_ItsPayloadIsTheNodeOutput()
    {
        var world = new World(Approval);
        var run = Task.Run(() => world.RunToEndAsync("approval-1", "approval", JsonSerializer.SerializeToElement(new { }), Timeout()));
        var ct = Timeout();

        await world.Waiting.Task.WaitAsync(ct);
        world.Raise("approve", JsonSerializer.SerializeToElement(new { by = "ann" }));
        var output = await run.WaitAsync(ct);

        Assert.Equal("{\"by\":\"ann\"}", output.GetRawText());
    }

    [Fact]
    public async Task RunAsync_ChildWorkflow_RunsUnderTheDerivedIdAndReturnsItsOutput()
    {
        var world = new World(FanOut, Parent);

        var output = await world.RunToEndAsync("parent-1", "parent", JsonSerializer.SerializeToElement(new { }), Timeout());

        Assert.Equal("[10,12]", output.GetRawText());
        var child = Assert.Single(world.Children);
        Assert.StartsWith("parent-1", child, StringComparison.Ordinal);
    }

    /// <summary>Definitions, activities, events and children for a test: a durable runtime in miniature.</summary>
    private sealed class World : INodeExecutor, IDefinitionSource
    {
        private readonly Dictionary<string, string> _definitions = [];
        private readonly ConcurrentQueue<JsonElement> _queuedEvents = new();
        private TaskCompletionSource<JsonElement>? _waiter;
        private int _flakyAttempts;

        public World(params string[] definitions)
        {
            foreach (var json in definitions)
            {
                var parsed = DefinitionParser.Parse(json);
                Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors.Select(e => $"{e.Path}: {e.Message}")));
                _definitions[parsed.Definition!.Name] = json;
            }
        }

        public OrchestrationDriverOptions Options { get; init; } = OrchestrationDriverOptions.Default;

        public WorkflowCompiler Compiler { get; } = new();

        public ConcurrentQueue<string> Calls { get; } = new();

        public ConcurrentQueue<DateTimeOffset> TimersDue { get; } = new();

        public ConcurrentQueue<string> Children { get; } = new();

        public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Executions { get; private set; }

        public void Raise(string name, JsonElement payload)
        {
            Assert.Equal("approve", name);
            if (Interlocked.Exchange(ref _waiter, null) is { } waiter)
            {
                waiter.SetResult(payload);
            }
            else
            {
                _queuedEvents.Enqueue(payload);
            }
        }

        public async Task<JsonElement> RunToEndAsync(string instanceId, string workflow, JsonElement input, CancellationToken ct)
        {
            var runtime = new Runtime(this, instanceId);
            var next = new OrchestrationInput(workflow, 1, input);
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                Executions++;
                var output = await new OrchestrationDriver(runtime, Compiler, Options).RunAsync(next);
                if (runtime.ContinuedWith is { } continued)
                {
                    // A new execution: a fresh driver over the carried input, with the runtime's clock kept.
                    next = continued;
                    runtime.ContinuedWith = null;
                    continue;
                }

                return output!.Value;
            }
        }

        public Task<DefinitionSnapshot?> GetAsync(string workflow, int? version, CancellationToken cancellationToken)
            => Task.FromResult(_definitions.TryGetValue(workflow, out var json) ? new DefinitionSnapshot(1, json) : null);

        public Task<NodeOutcome> ExecuteAsync(NodeWork work, CancellationToken cancellationToken)
        {
            var activity = ((ActivityNode)work.Node).Activity;
            Calls.Enqueue($"{activity} {work.Command.Key}");
            return Task.FromResult(activity switch
            {
                "double" => NodeOutcome.Success(JsonSerializer.SerializeToElement(work.Command.Input.GetInt32() * 2)),
                "flaky" => Interlocked.Increment(ref _flakyAttempts) == 1
                    ? NodeOutcome.Failure(new WorkflowError(ErrorTypes.Timeout, "slow"))
                    : NodeOutcome.Success(JsonSerializer.SerializeToElement("second time lucky")),
                _ => NodeOutcome.Failure(new WorkflowError(ErrorTypes.ActivityError, $"no activity {activity}")),
            });
        }

        private sealed class Runtime(World world, string instanceId) : IOrchestrationRuntime
        {
            private readonly NodeActivity _nodes = new(world, world, world.Compiler);

            public string InstanceId => instanceId;

            public bool IsReplaying => false;

            public DateTimeOffset UtcNow { get; private set; } = Start;

            public OrchestrationInput? ContinuedWith { get; set; }

            public Task<DefinitionSnapshot?> LoadDefinitionAsync(string workflow, int? version) => world.GetAsync(workflow, version, default);

            public async Task<NodeOutcome> RunNodeAsync(NodeActivityRequest request) => (await _nodes.RunAsync(request, default)).ToOutcome();

            public Task CreateTimer(DateTimeOffset dueAt, CancellationToken cancellationToken)
            {
                // Virtual time: the timer fires at once and the clock jumps to its due time.
                world.TimersDue.Enqueue(dueAt);
                UtcNow = dueAt > UtcNow ? dueAt : UtcNow;
                return Task.CompletedTask;
            }

            public Task<JsonElement> WaitForEventAsync(string name)
            {
                if (world._queuedEvents.TryDequeue(out var queued))
                {
                    return Task.FromResult(queued);
                }

                var waiter = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
                world._waiter = waiter;
                world.Waiting.TrySetResult();
                return waiter.Task;
            }

            public async Task<ChildOutcome> RunChildAsync(ChildRequest request)
            {
                world.Children.Enqueue(request.ChildInstanceId);
                var snapshot = await world.GetAsync(request.Workflow, request.Version, default);
                if (snapshot is null)
                {
                    return ChildOutcome.Failed(null, new WorkflowError(ErrorTypes.WorkflowNotFound, request.Workflow));
                }

                try
                {
                    var output = await new OrchestrationDriver(new Runtime(world, request.ChildInstanceId), world.Compiler)
                        .RunAsync(new OrchestrationInput(request.Workflow, snapshot.Version, request.Input));
                    return ChildOutcome.Completed(snapshot.Version, output!.Value);
                }
                catch (WorkflowFailedException ex)
                {
                    return ChildOutcome.Failed(snapshot.Version, ex.Error);
                }
            }

            public Task TerminateChildAsync(string childInstanceId, string reason) => Task.CompletedTask;

            public Task SaveCheckpointAsync(Continuation checkpoint) => Task.CompletedTask;

            public void SetCustomStatus(object? status) => Assert.NotNull(status);

            public void ContinueAsNew(OrchestrationInput input) => ContinuedWith = input;
        }
    }
}
