using Serverless.Engine.Decisions;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Decisions;

/// <summary>Rerun of a Failed instance from its failed nodes.</summary>
public sealed class DeciderRerunTests
{
    private const string Chain = """
        {
          "name": "wf",
          "nodes": {
            "a": { "type": "activity", "activity": "a" },
            "b": { "type": "activity", "activity": "b", "runAfter": ["a"] },
            "c": { "type": "activity", "activity": "c", "runAfter": ["b"] }
          }
        }
        """;

    [Fact]
    public void Rerun_Failed_SucceededNodesKeptFailedNodeRerunWithNewEpoch()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("a", calls.Record(_ => Ok("\"a\"")));
        host.Handle("b", calls.Record(_ => calls.Count("b") == 1 ? Err("ActivityError") : Ok("\"b\"")));
        host.Handle("c", calls.Record(_ => Ok("\"c\"")));
        var id = host.Run(Chain);
        host.AssertFailed(id, "ActivityError");
        Assert.Equal(NodeStatus.Cancelled, host.StatusOf(id, "c"));

        host.Advance(TimeSpan.FromMinutes(1));
        host.Rerun(id);
        host.RunUntilIdle();

        host.AssertCompleted(id, """{"c": "c"}""");
        Assert.Equal(1, calls.Count("a"));
        Assert.Equal(2, calls.Count("b"));
        Assert.Equal(1, calls.Count("c"));
        Assert.Equal([$"{id}:a:0:1", $"{id}:b:0:1", $"{id}:b:1:1", $"{id}:c:1:1"], calls.All.Select(c => c.Key));
        Assert.Equal(1, host.State(id).Epoch);
        Assert.Equal(T0, host.Node(id, "a").CompletedAt);
        Assert.Null(host.State(id).Error);
        Assert.Equal(T0.AddMinutes(1), host.State(id).CompletedAt);
    }

    [Fact]
    public void Rerun_InstanceTimeout_RunsAgainFromTheRerun()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("a", calls.Record(_ => calls.Count("a") == 1 ? Err("ActivityError") : Ok("\"a\"", seconds: 50)));
        var id = host.Run("""{ "name": "wf", "timeout": "PT1M", "nodes": { "a": { "type": "activity", "activity": "a" } } }""");
        host.AssertFailed(id, "ActivityError");

        host.Advance(TimeSpan.FromMinutes(10));
        var rerunAt = host.Now;
        host.Rerun(id);
        host.RunUntilIdle();

        // The deadline is one minute from the rerun, not from the first start (which passed long ago): the 50 s
        // attempt fits, and the timer armed by the rerun is due at rerun + 1 minute.
        host.AssertCompleted(id, """{"a": "a"}""");
        Assert.True(rerunAt > T0.AddMinutes(1));
        Assert.Contains(host.CommandsOf<StartTimer>(id), t => t.DueAt == rerunAt.AddMinutes(1));
    }

    [Fact]
    public void Rerun_Twice_EpochIncrementsEachTime()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("a", calls.Record(_ => calls.Count("a") < 3 ? Err("ActivityError") : Ok("1")));
        var id = host.Run("""{ "name": "wf", "nodes": { "a": { "type": "activity", "activity": "a" } } }""");

        host.Rerun(id);
        host.RunUntilIdle();
        host.AssertFailed(id, "ActivityError");
        host.Rerun(id);
        host.RunUntilIdle();

        host.AssertCompleted(id, """{"a": 1}""");
        Assert.Equal([$"{id}:a:0:1", $"{id}:a:1:1", $"{id}:a:2:1"], calls.All.Select(c => c.Key));
    }

    [Fact]
    public void Rerun_CancelledNodes_RunAgain()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("slow", calls.Record(_ => Ok("\"slow\"", seconds: 60)));
        host.Handle("bad", calls.Record(_ => calls.Count("bad") == 1 ? Err("ActivityError", seconds: 1) : Ok("\"bad\"")));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "slow": { "type": "activity", "activity": "slow" },
                "bad": { "type": "activity", "activity": "bad" }
              }
            }
            """);
        Assert.Equal(NodeStatus.Cancelled, host.StatusOf(id, "slow"));

        host.Rerun(id);
        host.RunUntilIdle();

        Assert.Equal(2, calls.Count("slow"));
        host.AssertCompleted(id, """{"slow": "slow", "bad": "bad"}""");
    }

    [Fact]
    public void Rerun_RetryCountsStartOver()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("a", calls.Record(_ => Err("ActivityError")));
        var id = host.Run("""
            { "name": "wf", "nodes": { "a": { "type": "activity", "activity": "a", "retry": { "maxAttempts": 2, "interval": "PT1S", "jitter": "none" } } } }
            """);

        host.Rerun(id);
        host.RunUntilIdle();

        Assert.Equal([$"{id}:a:0:1", $"{id}:a:0:2", $"{id}:a:1:1", $"{id}:a:1:2"], calls.All.Select(c => c.Key));
        host.AssertFailed(id, "ActivityError");
    }

    [Fact]
    public void Rerun_EpochEntersJitterSeed()
    {
        var host = Host();
        host.Handle("a", _ => Err("ActivityError"));
        var id = host.Run("""
            { "name": "wf", "nodes": { "a": { "type": "activity", "activity": "a", "retry": { "maxAttempts": 2, "interval": "PT1000S" } } } }
            """);
        host.Rerun(id);
        host.RunUntilIdle();

        var failures = host.History(id).Where(h => h.Event is NodeFailed f && f.Key.EndsWith(":1", StringComparison.Ordinal)).Select(h => h.At).ToList();
        var timers = host.CommandsOf<StartTimer>(id);
        Assert.Equal(2, timers.Count);
        Assert.NotEqual(timers[0].DueAt - failures[0], timers[1].DueAt - failures[1]);
    }

    [Fact]
    public void Rerun_Foreach_RerunsOnlyFailedItems()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(c =>
        {
            var index = c.Input.GetInt32();
            return index == 2 && calls.All.Count(x => x.Input.GetInt32() == 2) == 1
                ? Err("ActivityError", seconds: 1)
                : Ok((index * 10).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "each": {
                  "type": "foreach",
                  "items": "${{ [0, 1, 2, 3] }}",
                  "body": { "nodes": { "work": { "type": "activity", "activity": "work", "input": "${{ index }}" } }, "output": "${{ nodes.work.output }}" }
                },
                "after": { "type": "set", "value": "${{ nodes.each.output.length }}", "runAfter": ["each"] }
              }
            }
            """);
        host.AssertFailed(id, ErrorTypes.ItemsFailed);

        host.Rerun(id);
        host.RunUntilIdle();

        Assert.Equal(1, calls.All.Count(c => c.Input.GetInt32() == 0));
        Assert.Equal(1, calls.All.Count(c => c.Input.GetInt32() == 1));
        Assert.Equal(2, calls.All.Count(c => c.Input.GetInt32() == 2));
        Assert.Equal(1, calls.All.Count(c => c.Input.GetInt32() == 3));
        Assert.Equal($"{id}:each[2].work:1:1", calls.All[^1].Key);
        Assert.Equal(NodeStatus.Succeeded, host.StatusOf(id, "each[2]"));
        host.AssertCompleted(id, """{"after": 4}""");
        AssertJson("[0, 10, 20, 30]", host.Node(id, "each").Output);
    }

    [Fact]
    public void Rerun_ForeachFailedWithCancelledAndUnstartedItems_RunsThemAll()
    {
        var host = Host();
        var calls = new Calls();
        var failOnce = true;
        host.Handle("work", calls.Record(c =>
        {
            var index = c.Input.GetInt32();
            if (index == 0 && failOnce)
            {
                failOnce = false;
                return Err("ActivityError", seconds: 1);
            }

            return Ok(index.ToString(System.Globalization.CultureInfo.InvariantCulture), seconds: 5);
        }));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "each": {
                  "type": "foreach",
                  "items": "${{ [0, 1, 2, 3] }}",
                  "maxConcurrency": 2,
                  "body": { "nodes": { "work": { "type": "activity", "activity": "work", "input": "${{ index }}" } }, "output": "${{ nodes.work.output }}" }
                }
              }
            }
            """);
        host.AssertFailed(id, ErrorTypes.ItemsFailed);
        Assert.Equal(2, calls.All.Count);

        host.Rerun(id);
        host.RunUntilIdle();

        host.AssertCompleted(id, """{"each": [0, 1, 2, 3]}""");
        Assert.Equal(6, calls.All.Count);
    }

    [Fact]
    public void Rerun_Loop_ResumesFromFailedIteration()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("step", calls.Record(c => c.Input.GetInt32() == 2 && calls.All.Count(x => x.Input.GetInt32() == 2) == 1 ? Err("ActivityError") : Ok(c.Input.GetRawText())));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "again": {
                  "type": "loop",
                  "maxIterations": 5,
                  "until": "${{ iteration === 3 }}",
                  "body": { "nodes": { "s": { "type": "activity", "activity": "step", "input": "${{ iteration }}" } }, "output": "${{ nodes.s.output }}" }
                }
              }
            }
            """);
        host.AssertFailed(id, "ActivityError");

        host.Rerun(id);
        host.RunUntilIdle();

        host.AssertCompleted(id, """{"again": 3}""");
        Assert.Equal([1, 2, 2, 3], calls.All.Select(c => c.Input.GetInt32()));
    }

    [Fact]
    public void Rerun_WorkflowNode_StartsNewChildWithEpochInIdAndRecordedVersion()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("flaky", calls.Record(_ => calls.All.Count == 1 ? Err("ActivityError") : Ok("\"ok\"")));
        host.Register("""{ "name": "child", "nodes": { "w": { "type": "activity", "activity": "flaky" } } }""");
        var id = host.Run("""{ "name": "wf", "nodes": { "call": { "type": "workflow", "workflow": "child" } } }""");
        host.AssertFailed(id, "ActivityError");
        host.Register("""{ "name": "child", "nodes": { "other": { "type": "set", "value": "v2" } } }""");

        host.Rerun(id);
        host.RunUntilIdle();

        Assert.Equal(1, host.Plan($"{id}:call:1:1").Version);
        Assert.Equal([$"{id}:call:0:1", $"{id}:call:1:1"], host.CommandsOf<StartChild>(id).Select(c => c.ChildInstanceId));
        Assert.Equal([null, 1], host.CommandsOf<StartChild>(id).Select(c => c.Version));
        host.AssertCompleted(id, """{"call": {"w": "ok"}}""");
    }

    [Fact]
    public void Rerun_HandledFailureKept_UnhandledRerun()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("handled", calls.Record(_ => Err("ActivityError", "handled")));
        host.Handle("unhandled", calls.Record(_ => calls.Count("u") == 1 ? Err("ActivityError", "first", seconds: 1) : Ok("\"fixed\"")));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "h": { "type": "activity", "activity": "handled" },
                "fallback": { "type": "set", "value": "fallback", "runAfter": { "h": ["failed"] } },
                "u": { "type": "activity", "activity": "unhandled" }
              }
            }
            """);
        host.AssertFailed(id, "ActivityError");

        host.Rerun(id);
        host.RunUntilIdle();

        Assert.Equal(1, calls.Count("h"));
        Assert.Equal(2, calls.Count("u"));
        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "h"));
        host.AssertCompleted(id, """{"fallback": "fallback", "u": "fixed"}""");
    }

    [Fact]
    public void Rerun_HandledFailureAndItsSkippedBranch_KeptWhileUnhandledFailNodeRunsAgain()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("a", calls.Record(_ => calls.Count("a") == 1 ? Err("ActivityError") : Ok("1")));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "activity", "activity": "a" },
                "onFail": { "type": "set", "value": "f", "runAfter": { "a": ["failed"] } },
                "onOk": { "type": "set", "value": "ok", "runAfter": ["a"] },
                "stop": { "type": "fail", "error": "Stop", "runAfter": ["onFail"] }
              }
            }
            """);
        host.AssertFailed(id, "Stop");
        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "onOk"));

        host.Rerun(id);
        host.RunUntilIdle();

        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "onOk"));
        Assert.Equal(NodeStatus.Succeeded, host.StatusOf(id, "onFail"));
        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "a"));
        Assert.Equal(1, calls.Count("a"));
        Assert.Equal(1, host.State(id).Epoch);
        Assert.Equal(2, host.CommandsOf<FailInstance>(id).Count);
        host.AssertFailed(id, "Stop");
    }

    [Theory]
    [InlineData(InstanceStatus.Completed)]
    [InlineData(InstanceStatus.Running)]
    [InlineData(InstanceStatus.Terminated)]
    [InlineData(InstanceStatus.Suspended)]
    [InlineData(InstanceStatus.Pending)]
    public void Rerun_NotFailed_NoOp(InstanceStatus status)
    {
        var plan = Plan("""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "go" } } }""");
        var state = Decider.Create(plan, "i1", EmptyInput, T0);
        if (status != InstanceStatus.Pending)
        {
            state = Decider.Decide(plan, state, new InstanceStarted("e1"), T0).State;
        }

        WorkflowEvent? next = status switch
        {
            InstanceStatus.Completed => new EventRaised("e2", "go", Json("1")),
            InstanceStatus.Terminated => new TerminateRequested("e2", null),
            InstanceStatus.Suspended => new SuspendRequested("e2", null),
            _ => null,
        };
        if (next is not null)
        {
            state = Decider.Decide(plan, state, next, T0).State;
        }

        Assert.Equal(status, state.Status);

        var decision = Decider.Decide(plan, state, new RerunRequested("e3"), At(1));

        Assert.Same(state, decision.State);
        Assert.Empty(decision.Commands);
    }

    [Fact]
    public void Rerun_LateResultOfPreviousEpoch_Ignored()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("slow", calls.Record(_ => Ok($"\"call {calls.Count("slow")}\"", seconds: 60)));
        host.Handle("bad", calls.Record(_ => calls.Count("bad") == 1 ? Err("ActivityError", seconds: 1) : Ok("\"bad\"")));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "slow": { "type": "activity", "activity": "slow" },
                "bad": { "type": "activity", "activity": "bad" }
              }
            }
            """, run: false);
        host.Advance(TimeSpan.FromSeconds(2));
        host.AssertFailed(id, "ActivityError");

        host.Rerun(id);
        host.RunUntilIdle();

        Assert.Contains(host.History(id), h => h.Event is NodeSucceeded s && s.Key == $"{id}:slow:0:1" && h.At == At(60));
        host.AssertCompleted(id, """{"slow": "call 2", "bad": "bad"}""");
        Assert.Equal(At(62), host.Node(id, "slow").CompletedAt);
    }
}
