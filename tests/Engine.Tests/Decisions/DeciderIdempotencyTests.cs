using Serverless.Engine.Decisions;
using Serverless.Engine.Testing;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Decisions;

/// <summary>Duplicates and stale events are no-ops; replays are deterministic; versions and sizes are enforced.</summary>
public sealed class DeciderIdempotencyTests
{
    private const string Mixed = """
        {
          "name": "wf",
          "nodes": {
            "act": { "type": "activity", "activity": "work", "timeout": "PT1M", "retry": { "maxAttempts": 3, "interval": "PT1S", "jitter": "none" } },
            "ev": { "type": "event", "event": "go" },
            "pause": { "type": "wait", "duration": "PT10M" },
            "call": { "type": "workflow", "workflow": "child" }
          }
        }
        """;

    private static (WorkflowPlan Plan, InstanceState State) Started()
    {
        var plan = Plan(Mixed);
        var decision = Decider.Decide(plan, Decider.Create(plan, "i1", EmptyInput, T0), new InstanceStarted("e0"), T0);
        Assert.Equal(["t1", "t2"], decision.State.Timers.Keys);
        Assert.Equal(TimerPurpose.AttemptTimeout, decision.State.Timers["t1"].Purpose);
        Assert.Equal(TimerPurpose.Wait, decision.State.Timers["t2"].Purpose);
        return (plan, decision.State);
    }

    public static TheoryData<string> ApplicableEvents => ["nodeSucceeded", "nodeFailed", "timerFired", "eventRaised", "childCompleted", "childFailed", "started", "suspend", "terminate"];

    private static WorkflowEvent Make(string kind) => kind switch
    {
        "nodeSucceeded" => new NodeSucceeded("x1", "i1:act:0:1", Json("1")),
        "nodeFailed" => new NodeFailed("x1", "i1:act:0:1", Error("ActivityError")),
        "timerFired" => new TimerFired("x1", "t2"),
        "eventRaised" => new EventRaised("x1", "go", Json("1")),
        "childCompleted" => new ChildCompleted("x1", "i1:call:0:1", 1, Json("1")),
        "childFailed" => new ChildFailed("x1", "i1:call:0:1", 1, Error("ActivityError")),
        "started" => new InstanceStarted("x1"),
        "suspend" => new SuspendRequested("x1", null),
        "terminate" => new TerminateRequested("x1", null),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(ApplicableEvents))]
    public void Decide_SameEventTwice_SecondIsNoOp(string kind)
    {
        var (plan, state) = Started();
        var @event = Make(kind);
        var first = Decider.Decide(plan, state, @event, At(1));

        var second = Decider.Decide(plan, first.State, @event, At(2));

        Assert.Same(first.State, second.State);
        Assert.Empty(second.Commands);
    }

    public static TheoryData<string> StaleEvents =>
    [
        "unknown-key", "wrong-attempt", "attempt-zero-for-event-node", "wrong-epoch", "other-instance", "malformed-key", "event-node-key",
        "unknown-timer", "unknown-child", "child-event-for-activity", "activity-event-for-child", "started-again", "resume-running",
    ];

    private static WorkflowEvent MakeStale(string kind) => kind switch
    {
        "unknown-key" => new NodeSucceeded("s1", "i1:nope:0:1", Json("1")),
        "wrong-attempt" => new NodeSucceeded("s1", "i1:act:0:2", Json("1")),
        "wrong-epoch" => new NodeSucceeded("s1", "i1:act:1:1", Json("1")),
        "other-instance" => new NodeSucceeded("s1", "i2:act:0:1", Json("1")),
        "malformed-key" => new NodeFailed("s1", "garbage", Error("ActivityError")),
        "attempt-zero-for-event-node" => new NodeSucceeded("s1", "i1:ev:0:0", Json("1")),
        "event-node-key" => new NodeSucceeded("s1", "i1:ev:0:1", Json("1")),
        "unknown-timer" => new TimerFired("s1", "t99"),
        "unknown-child" => new ChildCompleted("s1", "i1:nope:0:1", 1, Json("1")),
        "child-event-for-activity" => new ChildCompleted("s1", "i1:act:0:1", 1, Json("1")),
        "activity-event-for-child" => new NodeSucceeded("s1", "i1:call:0:1", Json("1")),
        "started-again" => new InstanceStarted("s1"),
        "resume-running" => new ResumeRequested("s1", null),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(StaleEvents))]
    public void Decide_EventForWorkNoLongerOutstanding_NoOp(string kind)
    {
        var (plan, state) = Started();

        var decision = Decider.Decide(plan, state, MakeStale(kind), At(1));

        Assert.Same(state, decision.State);
        Assert.Empty(decision.Commands);
    }

    [Fact]
    public void Decide_TimerAlreadyCancelled_NoOp()
    {
        var (plan, state) = Started();
        var succeeded = Decider.Decide(plan, state, new NodeSucceeded("x1", "i1:act:0:1", Json("1")), At(1));
        Assert.Equal(new CancelTimer("t1"), Assert.Single(succeeded.Commands));

        var late = Decider.Decide(plan, succeeded.State, new TimerFired("x2", "t1"), At(60));

        Assert.Same(succeeded.State, late.State);
        Assert.Empty(late.Commands);
    }

    [Fact]
    public void Decide_ResultWhileWaitingForRetry_NoOp()
    {
        var (plan, state) = Started();
        var failed = Decider.Decide(plan, state, new NodeFailed("x1", "i1:act:0:1", Error("ActivityError")), At(1));
        Assert.True(failed.State.Nodes["act"].Backoff);

        var late = Decider.Decide(plan, failed.State, new NodeSucceeded("x2", "i1:act:0:1", Json("1")), At(1.5));

        Assert.Same(failed.State, late.State);
        Assert.Empty(late.Commands);
    }

    [Fact]
    public void Decide_AfterCompletion_EveryEventIsNoOp()
    {
        var plan = Plan("""{ "name": "wf", "nodes": { "a": { "type": "set", "value": 1 } } }""");
        var done = Decider.Decide(plan, Decider.Create(plan, "i1", EmptyInput, T0), new InstanceStarted("e1"), T0).State;
        Assert.Equal(InstanceStatus.Completed, done.Status);

        foreach (var @event in new WorkflowEvent[]
        {
            new NodeSucceeded("e2", "i1:a:0:1", Json("1")), new TimerFired("e3", "t1"), new EventRaised("e4", "go", Json("1")),
            new TerminateRequested("e5", null), new SuspendRequested("e6", null), new ResumeRequested("e7", null), new RerunRequested("e8"),
        })
        {
            var decision = Decider.Decide(plan, done, @event, At(1));
            Assert.Same(done, decision.State);
            Assert.Empty(decision.Commands);
        }
    }

    [Fact]
    public void Decide_StateOfOtherSemanticsVersion_Refused()
    {
        var (plan, state) = Started();
        var future = state with { Semantics = Decider.SemanticsVersion + 1 };

        var ex = Assert.Throws<InvalidOperationException>(() => Decider.Decide(plan, future, new TimerFired("x", "t2"), At(1)));

        Assert.Contains("semantics version", ex.Message, StringComparison.Ordinal);
        Assert.Contains("i1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_PlanOfOtherVersion_Refused()
    {
        var (_, state) = Started();
        var other = Plan(Mixed, version: 2);

        Assert.Throws<InvalidOperationException>(() => Decider.Decide(other, state, new TimerFired("x", "t2"), At(1)));
    }

    [Fact]
    public void Replay_HistoryFromScratch_SameCommandsAndState()
    {
        var host = Host();
        host.Register("""{ "name": "child", "nodes": { "s": { "type": "set", "value": "${{ input }}" } } }""");
        host.Handle("work", c => c.Path.EndsWith("[1].w", StringComparison.Ordinal) && c.Key.EndsWith(":1", StringComparison.Ordinal)
            ? Err("ActivityError", seconds: 2)
            : Ok(c.Input.GetRawText(), seconds: 3));
        var id = host.Run("""
            {
              "name": "wf",
              "timeout": "PT1H",
              "nodes": {
                "each": {
                  "type": "foreach",
                  "items": "${{ [1, 2, 3] }}",
                  "maxConcurrency": 2,
                  "body": { "nodes": { "w": { "type": "activity", "activity": "work", "input": "${{ item }}", "retry": {} } } }
                },
                "ev": { "type": "event", "event": "go", "runAfter": ["each"] },
                "call": { "type": "workflow", "workflow": "child", "input": "${{ nodes.ev.output }}", "runAfter": ["ev"] }
              }
            }
            """, run: false);
        host.Advance(TimeSpan.FromSeconds(20));
        host.RaiseEvent(id, "go", Json("\"payload\""));
        host.RunUntilIdle();
        host.AssertCompleted(id, """{"call": {"s": "payload"}}""");

        var plan = host.Plan(id);
        var state = Decider.Create(plan, id, EmptyInput, T0);
        var commands = new List<WorkflowCommand>();
        foreach (var (@event, at) in host.History(id))
        {
            var decision = Decider.Decide(plan, state, @event, at);
            state = decision.State;
            commands.AddRange(decision.Commands);
        }

        Assert.Equal(StateSerializer.Serialize(host.State(id)), StateSerializer.Serialize(state));
        Assert.Equal(host.Commands(id).Select(c => Convert.ToBase64String(StateSerializer.Serialize(c))), commands.Select(c => Convert.ToBase64String(StateSerializer.Serialize(c))));
    }

    [Fact]
    public void DecideAll_Batch_SameAsOneByOne()
    {
        var (plan, state) = Started();
        WorkflowEvent[] events = [new NodeSucceeded("x1", "i1:act:0:1", Json("1")), new EventRaised("x2", "go", Json("2")), new TimerFired("x3", "t2")];

        var batch = Decider.DecideAll(plan, state, events, At(1));

        var oneByOne = state;
        var commands = new List<WorkflowCommand>();
        foreach (var @event in events)
        {
            var d = Decider.Decide(plan, oneByOne, @event, At(1));
            oneByOne = d.State;
            commands.AddRange(d.Commands);
        }

        Assert.Equal(StateSerializer.Serialize(oneByOne), StateSerializer.Serialize(batch.State));
        Assert.Equal(commands, batch.Commands);
    }

    [Fact]
    public void OutputTooLarge_ActivityOutput_FailsNodeWithoutRetry()
    {
        var host = Host(new PlanOptions { MaxValueBytes = 1024 });
        var calls = new Calls();
        host.Handle("work", calls.Record(_ => ActivityResult.Success(Json($"\"{new string('x', 2000)}\""))));
        var id = host.Run("""
            { "name": "wf", "nodes": { "big": { "type": "activity", "activity": "work", "retry": { "errors": ["ALL"], "interval": "PT1S" } } } }
            """);

        var error = host.AssertFailed(id, ErrorTypes.OutputTooLarge);
        Assert.Contains("big", error.Message, StringComparison.Ordinal);
        Assert.Contains("1024", error.Message, StringComparison.Ordinal);
        Assert.Single(calls.All);
        Assert.Null(host.Node(id, "big").Output);
    }

    [Fact]
    public void OutputTooLarge_SelectKeepsSmallPart_Succeeds()
    {
        var host = Host(new PlanOptions { MaxValueBytes = 1024 });
        host.Handle("work", _ => ActivityResult.Success(Json($$"""{"big": "{{new string('x', 2000)}}", "small": 1}""")));
        var id = host.Run("""
            { "name": "wf", "nodes": { "a": { "type": "activity", "activity": "work", "select": "${{ output.small }}" } } }
            """);

        host.AssertCompleted(id, """{"a": 1}""");
    }

    [Fact]
    public void OutputTooLarge_SetValue_FailsNode()
    {
        var host = Host(new PlanOptions { MaxValueBytes = 1024 });
        var id = host.Run("""
            { "name": "wf", "nodes": { "a": { "type": "set", "value": "${{ 'y'.repeat(5000) }}" } } }
            """);

        host.AssertFailed(id, ErrorTypes.OutputTooLarge);
    }

    [Fact]
    public void OutputTooLarge_EventPayload_FailsEventNode()
    {
        var host = Host(new PlanOptions { MaxValueBytes = 1024 });
        var id = host.Run("""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "go" } } }""");

        host.RaiseEvent(id, "go", Json($"\"{new string('z', 3000)}\""));
        host.RunUntilIdle();

        host.AssertFailed(id, ErrorTypes.OutputTooLarge);
    }

    [Fact]
    public void OutputTooLarge_WorkflowOutput_FailsInstance()
    {
        var host = Host(new PlanOptions { MaxValueBytes = 1024 });
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "set", "value": "${{ 'a'.repeat(600) }}" },
                "b": { "type": "set", "value": "${{ 'b'.repeat(600) }}" }
              }
            }
            """);

        Assert.Equal(NodeStatus.Succeeded, host.StatusOf(id, "a"));
        Assert.Equal(NodeStatus.Succeeded, host.StatusOf(id, "b"));
        var error = host.AssertFailed(id, ErrorTypes.OutputTooLarge);
        Assert.Contains("output", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputTooLarge_AtLimit_Accepted()
    {
        var host = Host(new PlanOptions { MaxValueBytes = 1024 });
        host.Handle("work", _ => ActivityResult.Success(Json($"\"{new string('x', 1022)}\"")));
        var id = host.Run("""{ "name": "wf", "nodes": { "a": { "type": "activity", "activity": "work" } }, "output": "ok" }""");

        host.AssertCompleted(id, "\"ok\"");
    }
}
