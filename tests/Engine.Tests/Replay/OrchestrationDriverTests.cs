using System.Collections.Immutable;
using Serverless.Engine.Decisions;
using Serverless.Engine.Execution;
using Serverless.Engine.Registry;
using Serverless.Engine.Replay;
using Serverless.Engine.Tests.Infrastructure;
using static Serverless.Engine.Tests.Infrastructure.ReplayFixtures;

namespace Serverless.Engine.Tests.Replay;

public sealed class OrchestrationDriverTests
{
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private static (OrchestrationDriver Driver, FakeOrchestrationRuntime Runtime, ScriptedDecider Decider) Create(
        Func<WorkflowEvent, ImmutableArray<WorkflowCommand>> script,
        OrchestrationDriverOptions? options = null,
        DefinitionSnapshot? definition = null)
    {
        var runtime = new FakeOrchestrationRuntime(Start, definition ?? Snapshot);
        var decider = new ScriptedDecider(script);
        var driver = new OrchestrationDriver(runtime, new WorkflowCompiler(), options)
        {
            Decide = decider.Decide,
            Compile = (_, snapshot) => Plan(snapshot),
            Progress = (plan, state) => $"{plan.Name}:{state.Sequence}",
        };
        return (driver, runtime, decider);
    }

    [Fact]
    public async Task RunAsync_EveryCommand_BecomesTheMatchingRuntimeCall()
    {
        var due = Start.AddMinutes(5);
        var (driver, runtime, decider) = Create(e => e switch
        {
            InstanceStarted =>
            [
                Run("a#1"),
                new StartTimer("t1", due),
                new WaitForEvent("Approve"),
                new StartChild("order-1:child", "billing", 2, Json("{}"), "child"),
            ],
            ChildCompleted => [new TerminateChild("order-1:other", "cancelled"), new CompleteInstance(Json("\"ok\""))],
            _ => [],
        });

        var run = Task.Run(() => driver.RunAsync(Input));
        var ct = Timeout();
        await runtime.NextAsync("child", ct);
        Assert.Equal(
            ["load order 3", "timer " + due.ToString("O"), "wait Approve", "run a#1 order@3", "child order-1:child billing@2"],
            runtime.Log);

        runtime.Children["order-1:child"].SetResult(ChildOutcome.Completed(2, Json("5")));
        var output = await run.WaitAsync(ct);

        Assert.Equal("\"ok\"", output!.Value.GetRawText());
        Assert.Contains("terminate order-1:other cancelled", runtime.Log);
        var completed = Assert.IsType<ChildCompleted>(decider.Events[^1]);
        Assert.Equal(("order-1:child", 2, "5"), (completed.ChildInstanceId, completed.Version, completed.Output.GetRawText()));
        Assert.True(runtime.Timers[0].Token.IsCancellationRequested, "a finished instance must not wait for its timers");
    }

    [Fact]
    public async Task RunAsync_TimerFiresBeforeItsDueTime_WaitsOutTheRemainderBeforeTheDeciderSeesIt()
    {
        var due = Start.AddSeconds(1);
        var (driver, runtime, decider) = Create(e => e switch
        {
            InstanceStarted => [new StartTimer("wait", due)],
            TimerFired => [new CompleteInstance(Json("\"woke\""))],
            _ => [],
        });
        var ct = Timeout();
        var run = Task.Run(() => driver.RunAsync(Input));
        await runtime.NextAsync("timer", ct);

        // The Azure Storage provider delivers the timer 0.95 s early: the clock is still before the due time.
        runtime.UtcNow = due.AddMilliseconds(-950);
        runtime.Timers[0].Fire.SetResult();
        Assert.Equal("timer " + due.ToString("O"), await runtime.NextAsync("timer", ct));
        Assert.DoesNotContain(decider.Events, e => e is TimerFired);

        // Early again, by a millisecond; then on time.
        runtime.UtcNow = due.AddMilliseconds(-1);
        runtime.Timers[1].Fire.SetResult();
        await runtime.NextAsync("timer", ct);
        runtime.UtcNow = due;
        runtime.Timers[2].Fire.SetResult();
        var output = await run.WaitAsync(ct);

        Assert.Equal("\"woke\"", output!.Value.GetRawText());
        Assert.Equal("wait", Assert.Single(decider.Events.OfType<TimerFired>()).TimerId);
        Assert.Equal(3, runtime.Timers.Count);
        Assert.All(runtime.Timers, t => Assert.Equal(due, t.DueAt));
    }

    [Fact]
    public async Task RunAsync_InstanceOnlyWaits_CheckpointsOnceUntilItDecidesAgain()
    {
        var (driver, runtime, _) = Create(e => e switch
        {
            InstanceStarted => [Run("a#1")],
            NodeSucceeded => [new WaitForEvent("approve"), new StartTimer("timeout", Start.AddHours(1))],
            EventRaised => [new CancelTimer("timeout"), new CompleteInstance(Json("1"))],
            _ => [],
        });
        var ct = Timeout();
        var run = Task.Run(() => driver.RunAsync(Input));
        await runtime.NextAsync("run", ct);
        Assert.Empty(runtime.Checkpoints);

        // Node work done, nothing left but a wait and its timeout: the state so far is checkpointed, once.
        runtime.Nodes["a#1"].SetResult(NodeOutcome.Success(Json("1")));
        await runtime.NextAsync("checkpoint", ct);
        Assert.Single(runtime.Checkpoints);

        runtime.Waits[0].Arrival.SetResult(Json("true"));
        await run.WaitAsync(ct);
        Assert.Equal(2, runtime.Checkpoints.Count);
    }

    [Fact]
    public async Task RunAsync_NodeOutcomes_BecomeNodeEventsWithTheCommandKey()
    {
        var (driver, runtime, decider) = Create(e => e switch
        {
            InstanceStarted => [Run("a#1"), Run("b#1")],
            NodeFailed => [new CompleteInstance(Json("1"))],
            _ => [],
        });

        var run = Task.Run(() => driver.RunAsync(Input));
        var ct = Timeout();
        await runtime.NextAsync("run b#1", ct);
        runtime.Nodes["a#1"].SetResult(NodeOutcome.Success(Json("{\"v\":1}")));
        await WaitForEventsAsync(decider, 2, ct);
        runtime.Nodes["b#1"].SetResult(NodeOutcome.Failure(new WorkflowError(ErrorTypes.HttpError, "503"), TimeSpan.FromSeconds(9)));
        await run.WaitAsync(ct);

        var succeeded = Assert.IsType<NodeSucceeded>(decider.Events[1]);
        Assert.Equal(("a#1", "{\"v\":1}"), (succeeded.Key, succeeded.Output.GetRawText()));
        var failed = Assert.IsType<NodeFailed>(decider.Events[2]);
        Assert.Equal(("b#1", ErrorTypes.HttpError, TimeSpan.FromSeconds(9)), (failed.Key, failed.Error.Type, failed.RetryAfter));
        Assert.Equal(["d0", "d1", "d2"], decider.Events.Select(e => e.Id));
    }

    [Fact]
    public async Task RunAsync_ActivityThrows_ReportsActivityError()
    {
        var (driver, runtime, decider) = Create(e => e switch
        {
            InstanceStarted => [Run("a#1")],
            _ => [new CompleteInstance(Json("null"))],
        });

        var run = Task.Run(() => driver.RunAsync(Input));
        var ct = Timeout();
        await runtime.NextAsync("run", ct);
        runtime.Nodes["a#1"].SetException(new InvalidOperationException("worker lost"));
        await run.WaitAsync(ct);

        var failed = Assert.IsType<NodeFailed>(decider.Events[1]);
        Assert.Equal((ErrorTypes.ActivityError, "worker lost"), (failed.Error.Type, failed.Error.Message));
    }

    [Fact]
    public async Task RunAsync_CancelTimer_CancelsItsTokenAndNeverReportsIt()
    {
        var (driver, runtime, decider) = Create(e => e switch
        {
            InstanceStarted => [Run("a#1"), new StartTimer("timeout", Start.AddSeconds(30))],
            NodeSucceeded => [new CancelTimer("timeout"), new StartTimer("retry", Start.AddSeconds(2))],
            TimerFired => [new CompleteInstance(Json("2"))],
            _ => [],
        });

        var run = Task.Run(() => driver.RunAsync(Input));
        var ct = Timeout();
        await runtime.NextAsync("run", ct);
        runtime.Nodes["a#1"].SetResult(NodeOutcome.Success(Json("1")));
        await runtime.NextAsync("timer " + Start.AddSeconds(2).ToString("O"), ct);

        Assert.True(runtime.Timers[0].Token.IsCancellationRequested);
        Assert.False(runtime.Timers[1].Token.IsCancellationRequested);
        runtime.UtcNow = runtime.Timers[1].DueAt;
        runtime.Timers[1].Fire.SetResult();
        await run.WaitAsync(ct);

        var fired = Assert.IsType<TimerFired>(decider.Events[^1]);
        Assert.Equal("retry", fired.TimerId);
        Assert.DoesNotContain(decider.Events, e => e is TimerFired { TimerId: "timeout" });
    }

    [Fact]
    public async Task RunAsync_EventArrives_HandsItOnAndReArmsOneNeverCancelledWait()
    {
        var arrivals = 0;
        var (driver, runtime, decider) = Create(e => e switch
        {
            InstanceStarted => [new WaitForEvent("approve"), new WaitForEvent("approve")],
            EventRaised => ++arrivals == 2 ? [new CompleteInstance(Json("\"both\""))] : [],
            _ => [],
        });

        var run = Task.Run(() => driver.RunAsync(Input));
        var ct = Timeout();
        await runtime.NextAsync("wait", ct);
        runtime.Waits[0].Arrival.SetResult(Json("{\"by\":\"ann\"}"));
        await runtime.NextAsync("wait", ct);
        Assert.Equal(2, runtime.Waits.Count);
        runtime.Waits[1].Arrival.SetResult(Json("{\"by\":\"bob\"}"));
        await run.WaitAsync(ct);

        var raised = decider.Events.OfType<EventRaised>().ToList();
        Assert.Equal(["{\"by\":\"ann\"}", "{\"by\":\"bob\"}"], raised.Select(r => r.Payload.GetRawText()));
        Assert.All(raised, r => Assert.Equal("approve", r.Name));
        Assert.Equal(3, runtime.Log.Count(c => c.StartsWith("wait", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RunAsync_FailInstance_ThrowsWithTypeColonMessage()
    {
        var (driver, runtime, _) = Create(_ => [new FailInstance(new WorkflowError("PaymentDeclined", "card expired"))]);

        var error = await Assert.ThrowsAsync<WorkflowFailedException>(() => driver.RunAsync(Input).WaitAsync(Timeout()));

        Assert.Equal("PaymentDeclined: card expired", error.Message);
        Assert.Equal("order:1", runtime.Statuses[^1]);
    }

    [Fact]
    public async Task RunAsync_UnknownWorkflow_FailsWithWorkflowNotFound()
    {
        var runtime = new FakeOrchestrationRuntime(Start, definition: null);
        var driver = new OrchestrationDriver(runtime, new WorkflowCompiler()) { Compile = (_, snapshot) => Plan(snapshot) };

        var error = await Assert.ThrowsAsync<WorkflowFailedException>(() => driver.RunAsync(Input).WaitAsync(Timeout()));

        Assert.Equal(ErrorTypes.WorkflowNotFound, error.Error.Type);
        Assert.StartsWith("WorkflowNotFound: Workflow 'order' version 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MoreWorkThanTheCap_StartsTheRestInOrderAsSlotsFree()
    {
        var done = 0;
        var (driver, runtime, _) = Create(
            e => e switch
            {
                InstanceStarted => [Run("a#1"), Run("b#1"), Run("c#1")],
                NodeSucceeded => ++done == 3 ? [new CompleteInstance(Json("3"))] : [],
                _ => [],
            },
            new OrchestrationDriverOptions { MaxOutstandingWork = 2 });

        var run = Task.Run(() => driver.RunAsync(Input));
        var ct = Timeout();
        await runtime.NextAsync("run b#1", ct);
        Assert.DoesNotContain("run c#1 order@3", runtime.Log);
        runtime.Nodes["b#1"].SetResult(NodeOutcome.Success(Json("2")));
        await runtime.NextAsync("run c#1", ct);
        runtime.Nodes["a#1"].SetResult(NodeOutcome.Success(Json("1")));
        runtime.Nodes["c#1"].SetResult(NodeOutcome.Success(Json("3")));
        await run.WaitAsync(ct);
    }

    [Fact]
    public async Task RunAsync_SameCompletionsReplayed_IssueTheSameCalls()
    {
        async Task<List<string>> RunOnceAsync()
        {
            var done = 0;
            var (driver, runtime, _) = Create(e => e switch
            {
                InstanceStarted => [Run("a#1"), Run("b#1"), new StartTimer("t", Start.AddHours(1)), new WaitForEvent("go")],
                NodeSucceeded s => ++done == 2 ? [new CancelTimer("t"), new CompleteInstance(Json("0"))] : [Run("c-after-" + s.Key)],
                _ => [],
            });
            var run = Task.Run(() => driver.RunAsync(Input));
            var ct = Timeout();
            await runtime.NextAsync("run b#1", ct);
            runtime.Nodes["b#1"].SetResult(NodeOutcome.Success(Json("2")));
            await runtime.NextAsync("run c-after-b#1", ct);
            runtime.Nodes["c-after-b#1"].SetResult(NodeOutcome.Success(Json("3")));
            await run.WaitAsync(ct);
            return runtime.Log;
        }

        var first = await RunOnceAsync();
        var replay = await RunOnceAsync();

        Assert.Equal(first, replay);
    }

    [Fact]
    public async Task RunAsync_HistoryBound_ContinuesAsNewWithStateTimersWaitsAndHeldWork()
    {
        var due = Start.AddDays(2);
        var (driver, runtime, _) = Create(
            e => e switch
            {
                InstanceStarted => [Run("a#1"), new StartTimer("wait-node", due), new WaitForEvent("Approve")],
                NodeSucceeded => [Run("b#1")],
                _ => [],
            },
            new OrchestrationDriverOptions { HistoryBound = 1 });

        var run = Task.Run(() => driver.RunAsync(Input));
        var ct = Timeout();
        await runtime.NextAsync("run a#1", ct);
        runtime.Nodes["a#1"].SetResult(NodeOutcome.Success(Json("1")));
        var result = await run.WaitAsync(ct);

        Assert.Null(result);
        Assert.DoesNotContain("run b#1 order@3", runtime.Log);
        var next = runtime.ContinuedWith!;
        Assert.Equal(("order", 3, "{\"id\":7}"), (next.Workflow, next.Version, next.Input.GetRawText()));
        var continuation = next.Continuation!;
        Assert.Equal(new[] { new ArmedTimer("wait-node", due) }, continuation.Timers.ToArray());
        Assert.Equal(new[] { "Approve" }, continuation.Waits.ToArray());
        Assert.Single(continuation.Pending);
        Assert.Equal(2, continuation.Sequence);
        Assert.Equal(1, continuation.Generation);
        Assert.True(runtime.Timers[0].Token.IsCancellationRequested);
        var state = StateSerializer.Deserialize(Convert.FromBase64String(continuation.State));
        Assert.Equal(("order-1", 2L), (state.InstanceId, state.Sequence));

        // The next execution re-arms everything at the same absolute times and carries out the held-back work.
        var (resumed, runtime2, decider2) = Create(e => e is TimerFired ? [new CompleteInstance(Json("\"late\""))] : []);
        var run2 = Task.Run(() => resumed.RunAsync(next));
        await runtime2.NextAsync("run b#1", ct);
        Assert.Equal(["load order 3", "timer " + due.ToString("O"), "wait Approve", "run b#1 order@3"], runtime2.Log);
        runtime2.UtcNow = runtime2.Timers[0].DueAt;
        runtime2.Timers[0].Fire.SetResult();
        var output = await run2.WaitAsync(ct);
        Assert.Equal("\"late\"", output!.Value.GetRawText());
        Assert.Equal("d2", Assert.Single(decider2.Events).Id);
    }

    [Fact]
    public async Task RunAsync_HistoryBoundWithWorkOutstanding_WaitsForItBeforeContinuing()
    {
        var (driver, runtime, _) = Create(
            e => e switch
            {
                InstanceStarted => [Run("a#1"), Run("b#1")],
                _ => [],
            },
            new OrchestrationDriverOptions { HistoryBound = 1 });

        var run = Task.Run(() => driver.RunAsync(Input));
        var ct = Timeout();
        await runtime.NextAsync("run b#1", ct);
        runtime.Nodes["a#1"].SetResult(NodeOutcome.Success(Json("1")));
        Assert.False(run.IsCompleted);
        Assert.Null(runtime.ContinuedWith);
        runtime.Nodes["b#1"].SetResult(NodeOutcome.Success(Json("2")));
        await run.WaitAsync(ct);

        Assert.NotNull(runtime.ContinuedWith);
        Assert.Empty(runtime.ContinuedWith!.Continuation!.Pending);
    }

    [Fact]
    public async Task RunAsync_ChildFails_ReportsChildFailedWithItsError()
    {
        var (driver, runtime, decider) = Create(e => e switch
        {
            InstanceStarted => [new StartChild("order-1:pay", "pay", null, Json("{}"), "pay")],
            _ => [new CompleteInstance(Json("0"))],
        });

        var run = Task.Run(() => driver.RunAsync(Input));
        var ct = Timeout();
        await runtime.NextAsync("child order-1:pay pay@latest", ct);
        runtime.Children["order-1:pay"].SetResult(ChildOutcome.Failed(4, new WorkflowError("Declined", "no funds")));
        await run.WaitAsync(ct);

        var failed = Assert.IsType<ChildFailed>(decider.Events[^1]);
        Assert.Equal(("order-1:pay", (int?)4, "Declined", "no funds"), (failed.ChildInstanceId, failed.Version, failed.Error.Type, failed.Error.Message));
    }

    [Fact]
    public async Task RunAsync_NothingOutstandingAndNoEnd_FailsLoudly()
    {
        var (driver, _, _) = Create(_ => []);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => driver.RunAsync(Input).WaitAsync(Timeout()));

        Assert.Contains("nothing outstanding", error.Message, StringComparison.Ordinal);
    }

    private static async Task WaitForEventsAsync(ScriptedDecider decider, int count, CancellationToken ct)
    {
        // Bounded poll on the decider's own record (the driver runs on another thread).
        while (decider.Events.Count < count)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }
}

public sealed class OrchestrationDriverCheckpointTests
{
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Fact]
    public async Task RunAsync_Failure_CheckpointsTheFinalStateFirst()
    {
        var runtime = new FakeOrchestrationRuntime(Start, Snapshot);
        var decider = new ScriptedDecider(_ => [new FailInstance(new WorkflowError("Boom", "x"))]);
        var driver = new OrchestrationDriver(runtime, new WorkflowCompiler()) { Decide = decider.Decide, Compile = (_, snapshot) => Plan(snapshot) };

        await Assert.ThrowsAsync<WorkflowFailedException>(() => driver.RunAsync(Input).WaitAsync(Timeout()));

        var checkpoint = Assert.Single(runtime.Checkpoints);
        Assert.Equal(("order-1", InstanceStatus.Running), (checkpoint.ReadState().InstanceId, checkpoint.ReadState().Status));
        Assert.Equal(1, checkpoint.Sequence);
    }

    [Fact]
    public async Task RunAsync_EveryNCompletions_SavesACheckpoint()
    {
        var runtime = new FakeOrchestrationRuntime(Start, Snapshot);
        var done = 0;
        var decider = new ScriptedDecider(e => e switch
        {
            InstanceStarted => [Run("a"), Run("b"), Run("c")],
            _ => ++done == 3 ? [new CompleteInstance(Json("0"))] : [],
        });
        var driver = new OrchestrationDriver(runtime, new WorkflowCompiler(), new OrchestrationDriverOptions { CheckpointEvery = 2 })
        {
            Decide = decider.Decide,
            Compile = (_, snapshot) => Plan(snapshot),
        };

        var run = Task.Run(() => driver.RunAsync(Input));
        var ct = Timeout();
        await runtime.NextAsync("run c", ct);
        runtime.Nodes["a"].SetResult(NodeOutcome.Success(Json("1")));
        runtime.Nodes["b"].SetResult(NodeOutcome.Success(Json("2")));
        await runtime.NextAsync("checkpoint", ct);
        runtime.Nodes["c"].SetResult(NodeOutcome.Success(Json("3")));
        await run.WaitAsync(ct);

        Assert.Equal(2, runtime.Checkpoints.Count);
    }

    [Fact]
    public async Task RunAsync_RerunContinuation_HandsRerunRequestedToTheDeciderFirst()
    {
        var runtime = new FakeOrchestrationRuntime(Start, Snapshot);
        var decider = new ScriptedDecider(e => e is RerunRequested ? [new CompleteInstance(Json("\"again\""))] : []);
        var driver = new OrchestrationDriver(runtime, new WorkflowCompiler()) { Decide = decider.Decide, Compile = (_, snapshot) => Plan(snapshot) };
        var failed = Decider.Create(Plan(Snapshot), "order-1", Json("{}"), Start) with { Status = InstanceStatus.Failed };
        var checkpoint = new Continuation(Convert.ToBase64String(StateSerializer.Serialize(failed)), 7, [new ArmedTimer("t", Start)], ["go"], [], 0);
        var roundTripped = CheckpointJson.Deserialize(CheckpointJson.Serialize(checkpoint));

        var output = await driver.RunAsync(Input with { Continuation = roundTripped.ForRerun() }).WaitAsync(Timeout());

        Assert.Equal("\"again\"", output!.Value.GetRawText());
        var rerun = Assert.IsType<RerunRequested>(Assert.Single(decider.Events));
        Assert.Equal("d7", rerun.Id);
        Assert.DoesNotContain(runtime.Log, c => c.StartsWith("timer", StringComparison.Ordinal) || c.StartsWith("wait", StringComparison.Ordinal));
    }
}
