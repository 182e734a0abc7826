using System.Text.Json;
using Microsoft.DurableTask;
using Serverless.DurableTask.Tests.Infrastructure;
using Serverless.Engine.Registry;
using Serverless.Engine.Replay;
using static Serverless.DurableTask.Tests.Infrastructure.Workflows;

namespace Serverless.DurableTask.Tests;

/// <summary>The orchestrator over a mocked <see cref="TaskOrchestrationContext"/>: each decider command becomes the right call.</summary>
public sealed class WorkflowOrchestrationTests
{
    private static readonly OrchestrationDriverOptions Options = OrchestrationDriverOptions.Default;
    private static readonly WorkflowCompiler Compiler = new();

    private static OrchestrationInput Input(string json, string input = "{}") => new(NameOf(json), 1, Json(input));

    [Fact]
    public async Task RunAsync_ActivityNode_LoadsThePinnedDefinitionThenCallsTheNodeActivity()
    {
        var harness = new ContextHarness(Input(Activity)).WithDefinition(Activity);
        NodeActivityRequest? seen = null;
        harness.Nodes = r =>
        {
            seen = r;
            return Task.FromResult(new NodeResult(true, Json("""{"paid":true}"""), null, null));
        };

        var output = await WorkflowOrchestration.RunAsync(harness.Context, Compiler, Options).WaitAsync(Timeout());

        Assert.Equal("""{"paid":true}""", output!.Value.GetRawText());
        Assert.Equal(
            [$"activity {TaskNames.LoadDefinition} one@1", $"activity {TaskNames.RunNode} call", $"activity {TaskNames.SaveCheckpoint}"],
            harness.Log);
        Assert.Equal(("order-1", "one", 1, "call", """{"amount":5}"""), (seen!.InstanceId, seen.Workflow, seen.Version, seen.Command.NodeId, seen.Command.Input.GetRawText()));
        Assert.NotEmpty(harness.Statuses);
        Assert.All(harness.Statuses, s => Assert.True(JsonSerializer.Serialize(s).Length < 8 * 1024));
    }

    [Fact]
    public async Task RunAsync_WaitNode_CreatesADurableTimerAtTheAbsoluteDueTime()
    {
        var harness = new ContextHarness(Input(Wait)).WithDefinition(Wait);

        var output = await WorkflowOrchestration.RunAsync(harness.Context, Compiler, Options).WaitAsync(Timeout());

        Assert.Equal("\"awake\"", output!.Value.GetRawText());
        var (fireAt, _) = Assert.Single(harness.Timers);
        Assert.Equal(Start.AddMinutes(5), fireAt);
        Assert.Equal(DateTimeKind.Utc, fireAt.Kind);
    }

    [Fact]
    public async Task RunAsync_EventBeforeTimeout_WaitsOnceUncancellablyAndCancelsTheTimeoutTimer()
    {
        var harness = new ContextHarness(Input(Approval)).WithDefinition(Approval);
        harness.TimerBehavior = (_, token) =>
        {
            // A timer that only ends when cancelled.
            var pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            token.Register(() => pending.TrySetCanceled(token));
            return pending.Task;
        };
        var ct = Timeout();

        var run = Task.Run(() => WorkflowOrchestration.RunAsync(harness.Context, Compiler, Options));
        await harness.NextAsync("wait approve", ct);
        Assert.True(harness.Waits.TryPeek(out var wait));
        Assert.False(wait.Token.CanBeCanceled, "event waits are never cancelled (a cancelled wait still swallows an event)");
        wait.Arrival.SetResult(Json("""{"by":"ann"}"""));
        var output = await run.WaitAsync(ct);

        Assert.Equal("""{"by":"ann"}""", output!.Value.GetRawText());
        var (fireAt, token) = Assert.Single(harness.Timers);
        Assert.Equal(Start.AddHours(1), fireAt);
        Assert.True(token.IsCancellationRequested, "a finished instance must not wait for its timeout timer");
    }

    [Fact]
    public async Task RunAsync_WorkflowNodeWithoutVersion_ResolvesItThenCallsTheSubOrchestratorWithTheDerivedId()
    {
        var harness = new ContextHarness(Input(Parent), instanceId: "parent-1").WithDefinition(Parent).WithDefinition(FanOut, version: 4);
        harness.Children = (_, _) => Task.FromResult<JsonElement?>(Json("[10,12]"));

        var output = await WorkflowOrchestration.RunAsync(harness.Context, Compiler, Options).WaitAsync(Timeout());

        Assert.Equal("[10,12]", output!.Value.GetRawText());
        Assert.Contains($"activity {TaskNames.ResolveVersion} fan", harness.Log);
        var sub = Assert.Single(harness.Log, c => c.StartsWith("sub", StringComparison.Ordinal));
        Assert.StartsWith($"sub {TaskNames.Orchestrator} parent-1", sub, StringComparison.Ordinal);
        Assert.EndsWith(" fan@4", sub, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ChildFails_TheParentSeesTheChildsErrorTypeAndMessage()
    {
        var harness = new ContextHarness(Input(Parent)).WithDefinition(Parent).WithDefinition(FanOut);
        harness.Children = (_, _) => Task.FromException<JsonElement?>(new TaskFailedException(
            TaskNames.Orchestrator, 3, TaskFailureDetails.FromException(new WorkflowFailedException(new Engine.WorkflowError("ItemsFailed", "2 of 2 items failed")))));

        var error = await Assert.ThrowsAsync<WorkflowFailedException>(() => WorkflowOrchestration.RunAsync(harness.Context, Compiler, Options).WaitAsync(Timeout()));

        Assert.Equal("ItemsFailed", error.Error.Type);
    }

    [Fact]
    public async Task RunAsync_FailNode_ThrowsWithTypeColonMessage()
    {
        var harness = new ContextHarness(Input(Failing)).WithDefinition(Failing);

        var error = await Assert.ThrowsAsync<WorkflowFailedException>(() => WorkflowOrchestration.RunAsync(harness.Context, Compiler, Options).WaitAsync(Timeout()));

        Assert.StartsWith("PaymentDeclined: card expired", error.Message, StringComparison.Ordinal);
        Assert.Single(harness.Checkpoints);
    }

    [Fact]
    public async Task RunAsync_UnknownWorkflow_FailsWithWorkflowNotFound()
    {
        var harness = new ContextHarness(Input(Activity));

        var error = await Assert.ThrowsAsync<WorkflowFailedException>(() => WorkflowOrchestration.RunAsync(harness.Context, Compiler, Options).WaitAsync(Timeout()));

        Assert.StartsWith("WorkflowNotFound: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NodeActivityCrashes_ReportsAnActivityErrorToTheDecider()
    {
        var harness = new ContextHarness(Input(Activity)).WithDefinition(Activity);
        harness.Nodes = _ => Task.FromException<NodeResult>(new TaskFailedException(
            TaskNames.RunNode, 1, TaskFailureDetails.FromException(new InvalidOperationException("worker lost"))));

        var error = await Assert.ThrowsAsync<WorkflowFailedException>(() => WorkflowOrchestration.RunAsync(harness.Context, Compiler, Options).WaitAsync(Timeout()));

        Assert.Equal(("ActivityError", "worker lost"), (error.Error.Type, error.Error.Message));
    }

    [Fact]
    public async Task RunAsync_HistoryBound_ContinuesAsNewWithTheStateAndPreservesUnprocessedEvents()
    {
        var options = new OrchestrationDriverOptions { HistoryBound = 1 };
        var harness = new ContextHarness(Input(TwoSteps)).WithDefinition(TwoSteps);

        var output = await WorkflowOrchestration.RunAsync(harness.Context, Compiler, options).WaitAsync(Timeout());

        Assert.Null(output);
        var (next, preserve) = harness.ContinuedWith!.Value;
        Assert.True(preserve);
        Assert.Equal(("two", 1), (next.Workflow, next.Version));
        var continuation = next.Continuation!;
        Assert.Equal("a", Assert.Single(continuation.ReadState().Nodes, n => n.Value.Status == Engine.Decisions.NodeStatus.Succeeded).Key);
        Assert.Single(continuation.Pending);
        Assert.Equal(1, harness.Log.Count(c => c.Contains(TaskNames.RunNode, StringComparison.Ordinal)));

        // The next execution starts from the carried state and runs only the held-back node.
        var resumed = new ContextHarness(next).WithDefinition(TwoSteps);
        var final = await WorkflowOrchestration.RunAsync(resumed.Context, Compiler, options).WaitAsync(Timeout());
        Assert.Equal("\"b\"", final!.Value.GetRawText());
        Assert.Equal([$"activity {TaskNames.LoadDefinition} two@1", $"activity {TaskNames.RunNode} b", $"activity {TaskNames.SaveCheckpoint}"], resumed.Log);
    }

    [Fact]
    public async Task RunAsync_ReplayOfTheSameCompletions_MakesTheSameCalls()
    {
        async Task<string[]> RunOnceAsync()
        {
            var harness = new ContextHarness(Input(FanOut, """{"items":[1,2,3]}""")).WithDefinition(FanOut);
            harness.Nodes = r => Task.FromResult(new NodeResult(true, JsonSerializer.SerializeToElement(r.Command.Input.GetInt32() * 2), null, null));
            var output = await WorkflowOrchestration.RunAsync(harness.Context, Compiler, Options).WaitAsync(Timeout());
            Assert.Equal("[2,4,6]", output!.Value.GetRawText());
            return [.. harness.Log];
        }

        var first = await RunOnceAsync();
        var replay = await RunOnceAsync();

        Assert.Equal(first, replay);
        Assert.Equal(3, first.Count(c => c.Contains(TaskNames.RunNode, StringComparison.Ordinal)));
    }
}
