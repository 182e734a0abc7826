using Serverless.Engine.Decisions;
using Serverless.Engine.Testing;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Decisions;

/// <summary>Per-attempt timeouts of http/activity nodes and the whole-instance timeout.</summary>
public sealed class DeciderTimeoutTests
{
    [Fact]
    public void AttemptTimeout_Hangs_FailsWithTimeoutAtDeadline()
    {
        var host = Host();
        host.Handle("work", _ => ActivityResult.Hang());
        var id = host.Run("""
            { "name": "wf", "nodes": { "work": { "type": "activity", "activity": "work", "timeout": "PT10S" } } }
            """);

        var run = Assert.Single(host.CommandsOf<RunNode>(id));
        Assert.Equal(TimeSpan.FromSeconds(10), run.Timeout);
        var timer = Assert.Single(host.CommandsOf<StartTimer>(id));
        Assert.Equal(At(10), timer.DueAt);
        var error = host.AssertFailed(id, ErrorTypes.Timeout);
        Assert.Contains("work", error.Message, StringComparison.Ordinal);
        Assert.Equal(At(10), host.State(id).CompletedAt);
    }

    [Fact]
    public void AttemptTimeout_ResultInTime_TimerCancelled()
    {
        var host = Host();
        host.Handle("work", _ => Ok("\"ok\"", seconds: 9));
        var id = host.Run("""
            { "name": "wf", "nodes": { "work": { "type": "activity", "activity": "work", "timeout": "PT10S" } } }
            """);

        host.AssertCompleted(id, """{"work": "ok"}""");
        var timer = Assert.Single(host.CommandsOf<StartTimer>(id));
        Assert.Equal(timer.TimerId, Assert.Single(host.CommandsOf<CancelTimer>(id)).TimerId);
        Assert.Empty(host.State(id).Timers);
    }

    [Fact]
    public void AttemptTimeout_Hangs_RetriedAsTimeout()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(_ => calls.All.Count == 1 ? ActivityResult.Hang() : Ok("\"second\"", seconds: 2)));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "work": { "type": "activity", "activity": "work", "timeout": "PT10S", "retry": { "errors": ["Timeout"], "interval": "PT1S", "jitter": "none" } }
              }
            }
            """);

        Assert.Equal(2, calls.All.Count);
        Assert.Equal([At(10), At(11), At(21)], host.CommandsOf<StartTimer>(id).Select(t => t.DueAt));
        host.AssertCompleted(id, """{"work": "second"}""");
        Assert.Equal(At(13), host.State(id).CompletedAt);
    }

    [Fact]
    public void AttemptTimeout_LateResultOfAbandonedAttempt_Ignored()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(_ => calls.All.Count == 1 ? Ok("\"first\"", seconds: 15) : Ok("\"second\"", seconds: 8)));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "work": { "type": "activity", "activity": "work", "timeout": "PT10S", "retry": { "interval": "PT1S", "jitter": "none" } }
              }
            }
            """);

        Assert.Contains(host.History(id), h => h.Event is NodeSucceeded s && s.Key == $"{id}:work:0:1" && h.At == At(15));
        host.AssertCompleted(id, """{"work": "second"}""");
        Assert.Equal(At(19), host.Node(id, "work").CompletedAt);
    }

    [Fact]
    public void AttemptTimeout_LateFailureOfAbandonedAttempt_Ignored()
    {
        var plan = Plan("""
            {
              "name": "wf",
              "nodes": { "work": { "type": "activity", "activity": "work", "timeout": "PT10S", "retry": { "interval": "PT1S", "jitter": "none" } } }
            }
            """);
        var state = Decider.Decide(plan, Decider.Create(plan, "i1", EmptyInput, T0), new InstanceStarted("e1"), T0).State;
        var timeoutTimer = state.Nodes["work"].TimerId!;
        state = Decider.Decide(plan, state, new TimerFired("e2", timeoutTimer), At(10)).State;
        Assert.True(state.Nodes["work"].Backoff);

        var late = Decider.Decide(plan, state, new NodeFailed("e3", "i1:work:0:1", Error("ActivityError")), At(10.5));

        Assert.Same(state, late.State);
        Assert.Empty(late.Commands);
    }

    [Fact]
    public void AttemptTimeout_DefaultsTimeout_AppliesToNodesWithoutTheirOwn()
    {
        var host = Host();
        host.Handle("work", _ => ActivityResult.Hang());
        var id = host.Run("""
            {
              "name": "wf",
              "defaults": { "timeout": "PT30S" },
              "nodes": {
                "a": { "type": "activity", "activity": "work" },
                "b": { "type": "activity", "activity": "work", "timeout": "PT5S" },
                "c": { "type": "set", "value": 1 }
              }
            }
            """, run: false);
        host.RunUntilIdle(At(1));

        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5)], host.CommandsOf<RunNode>(id).Select(r => r.Timeout!.Value));
        host.RunUntilIdle();
        Assert.Equal(At(5), host.State(id).CompletedAt);
        Assert.Equal(ErrorTypes.Timeout, host.Node(id, "b").Error!.Type);
    }

    [Fact]
    public void InstanceTimeout_Passes_FailsWithTimeoutCancelsWorkAndTerminatesRunningChild()
    {
        var host = Host();
        host.Register("""{ "name": "child", "nodes": { "sleep": { "type": "wait", "duration": "PT2H" } } }""");
        host.Handle("work", _ => ActivityResult.Hang());
        var id = host.Run("""
            {
              "name": "wf",
              "timeout": "PT1H",
              "nodes": {
                "call": { "type": "workflow", "workflow": "child" },
                "work": { "type": "activity", "activity": "work" },
                "pause": { "type": "wait", "duration": "PT3H" }
              }
            }
            """);

        var error = host.AssertFailed(id, ErrorTypes.Timeout);
        Assert.Contains("PT1H", error.Message, StringComparison.Ordinal);
        Assert.Equal(T0.AddHours(1), host.State(id).CompletedAt);
        var childId = $"{id}:call:0:1";
        var terminate = Assert.Single(host.CommandsOf<TerminateChild>(id));
        Assert.Equal(childId, terminate.ChildInstanceId);
        Assert.Equal(InstanceStatus.Terminated, host.State(childId).Status);
        Assert.Equal(T0.AddHours(1), host.State(childId).CompletedAt);
        Assert.All(new[] { "call", "work", "pause" }, p => Assert.Equal(NodeStatus.Cancelled, host.StatusOf(id, p)));
        Assert.Empty(host.State(id).Timers);
        Assert.Contains(host.CommandsOf<CancelTimer>(id), c => host.CommandsOf<StartTimer>(id).Any(s => s.TimerId == c.TimerId && s.DueAt == T0.AddHours(3)));
    }

    [Fact]
    public void InstanceTimeout_CompletesInTime_TimerCancelled()
    {
        var host = Host();
        host.Handle("work", _ => Ok("1", seconds: 30));
        var id = host.Run("""
            { "name": "wf", "timeout": "PT1M", "nodes": { "work": { "type": "activity", "activity": "work" } } }
            """);

        host.AssertCompleted(id, """{"work": 1}""");
        var timer = Assert.Single(host.CommandsOf<StartTimer>(id));
        Assert.Equal(At(60), timer.DueAt);
        Assert.Equal(timer.TimerId, Assert.Single(host.CommandsOf<CancelTimer>(id)).TimerId);
    }

    [Fact]
    public void InstanceTimeout_RunsThroughSuspension_FailsOnResumeOncePassed()
    {
        var host = Host();
        var id = host.Run("""
            { "name": "wf", "timeout": "PT1H", "nodes": { "ev": { "type": "event", "event": "go" } } }
            """, run: false);
        host.Advance(TimeSpan.FromMinutes(10));
        host.Suspend(id);
        host.Advance(TimeSpan.FromMinutes(60));
        Assert.Equal(InstanceStatus.Suspended, host.State(id).Status);

        host.Resume(id);
        host.RunUntilIdle();

        host.AssertFailed(id, ErrorTypes.Timeout);
        Assert.Equal(T0.AddMinutes(70), host.State(id).CompletedAt);
    }
}
