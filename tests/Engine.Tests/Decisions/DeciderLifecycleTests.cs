using Serverless.Engine.Decisions;
using Serverless.Engine.Testing;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Decisions;

/// <summary>Terminate, suspend and resume.</summary>
public sealed class DeciderLifecycleTests
{
    [Fact]
    public void Terminate_Running_TerminatedWithReasonAndTimersCancelledButChildrenGoOn()
    {
        var host = Host();
        host.Register("""{ "name": "child", "nodes": { "sleep": { "type": "wait", "duration": "PT2H" } }, "output": "child done" }""");
        host.Handle("work", _ => ActivityResult.Hang());
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "call": { "type": "workflow", "workflow": "child" },
                "pause": { "type": "wait", "duration": "PT1H" },
                "work": { "type": "activity", "activity": "work", "timeout": "PT3H" }
              }
            }
            """, run: false);
        host.Advance(TimeSpan.FromMinutes(10));

        host.Terminate(id, "operator said so");
        host.Advance(TimeSpan.FromMinutes(1));

        var state = host.State(id);
        Assert.Equal(InstanceStatus.Terminated, state.Status);
        Assert.Equal(new WorkflowError(ErrorTypes.Terminated, "operator said so"), state.Error);
        Assert.Equal(T0.AddMinutes(10), state.CompletedAt);
        Assert.Empty(state.Timers);
        Assert.Equal(
            host.CommandsOf<StartTimer>(id).Select(t => t.TimerId).Order(StringComparer.Ordinal),
            host.CommandsOf<CancelTimer>(id).Select(t => t.TimerId).Order(StringComparer.Ordinal));
        Assert.Empty(host.CommandsOf<TerminateChild>(id));
        Assert.DoesNotContain(host.Commands(id), c => c is FailInstance or CompleteInstance);
        Assert.All(new[] { "call", "pause", "work" }, p => Assert.Equal(NodeStatus.Cancelled, host.StatusOf(id, p)));

        host.RunUntilIdle();
        host.AssertCompleted($"{id}:call:0:1", "\"child done\"");
        Assert.Same(state, host.State(id));
    }

    [Fact]
    public void Terminate_WithoutReason_DefaultMessage()
    {
        var host = Host();
        var id = host.Run("""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "go" } } }""");

        host.Terminate(id);
        host.RunUntilIdle();

        Assert.Equal(InstanceStatus.Terminated, host.State(id).Status);
        Assert.Equal(ErrorTypes.Terminated, host.State(id).Error!.Type);
        Assert.False(string.IsNullOrWhiteSpace(host.State(id).Error!.Message));
        Assert.Empty(host.State(id).Waiters);
    }

    [Fact]
    public void Terminate_Suspended_Terminated()
    {
        var host = Host();
        var id = host.Run("""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "go" } } }""");
        host.Suspend(id);
        host.RaiseEvent(id, "go", Json("1"));

        host.Terminate(id, "bye");
        host.RunUntilIdle();

        Assert.Equal(InstanceStatus.Terminated, host.State(id).Status);
        Assert.Empty(host.State(id).Deferred);
    }

    [Theory]
    [InlineData("completed")]
    [InlineData("failed")]
    [InlineData("terminated")]
    public void Terminate_Final_NoOp(string final)
    {
        var plan = Plan("""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "go" }, "stop": { "type": "fail", "error": "X", "if": "${{ input.fail }}" } } }""");
        var state = Decider.Decide(plan, Decider.Create(plan, "i1", Json($$"""{"fail": {{(final == "failed" ? "true" : "false")}}}"""), T0), new InstanceStarted("e1"), T0).State;
        state = final switch
        {
            "completed" => Decider.Decide(plan, state, new EventRaised("e2", "go", Json("1")), T0).State,
            "terminated" => Decider.Decide(plan, state, new TerminateRequested("e2", null), T0).State,
            _ => state,
        };
        Assert.NotEqual(InstanceStatus.Running, state.Status);

        var decision = Decider.Decide(plan, state, new TerminateRequested("e3", "again"), At(5));

        Assert.Same(state, decision.State);
        Assert.Empty(decision.Commands);
    }

    [Fact]
    public void Suspend_EventRaised_DeferredAndAppliedOnResume()
    {
        var host = Host();
        var id = host.Run("""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "go" } } }""");
        host.Suspend(id);
        host.RaiseEvent(id, "go", Json("\"payload\""));
        host.Advance(TimeSpan.FromMinutes(5));

        var suspended = host.State(id);
        Assert.Equal(InstanceStatus.Suspended, suspended.Status);
        Assert.Equal(NodeStatus.Running, host.StatusOf(id, "ev"));
        Assert.IsType<EventRaised>(Assert.Single(suspended.Deferred));
        Assert.Empty(suspended.EventQueues);

        host.Resume(id);
        host.RunUntilIdle();

        host.AssertCompleted(id, """{"ev": "payload"}""");
        Assert.Equal(T0.AddMinutes(5), host.State(id).CompletedAt);
        Assert.Empty(host.State(id).Deferred);
    }

    [Fact]
    public void Suspend_TimerFiresDuringSuspension_AppliedOnResume()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "pause": { "type": "wait", "duration": "PT10M" },
                "after": { "type": "set", "value": 1, "runAfter": ["pause"] }
              }
            }
            """, run: false);
        host.Advance(TimeSpan.FromMinutes(1));
        host.Suspend(id);
        host.Advance(TimeSpan.FromMinutes(19));

        Assert.Equal(InstanceStatus.Suspended, host.State(id).Status);
        Assert.Equal(NodeStatus.Running, host.StatusOf(id, "pause"));
        Assert.IsType<TimerFired>(Assert.Single(host.State(id).Deferred));

        host.Resume(id);
        host.RunUntilIdle();

        Assert.Equal(T0.AddMinutes(20), host.Node(id, "pause").CompletedAt);
        host.AssertCompleted(id, """{"after": 1}""");
    }

    [Fact]
    public void Suspend_ActivityResultsDuringSuspension_AppliedInOrderOnResume()
    {
        var host = Host();
        host.Handle("work", c => Ok($"\"{c.NodeId}\"", seconds: c.NodeId == "a" ? 5 : 3));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "activity", "activity": "work" },
                "b": { "type": "activity", "activity": "work" },
                "c": { "type": "activity", "activity": "work", "runAfter": ["a", "b"] }
              }
            }
            """, run: false);
        host.Advance(TimeSpan.FromSeconds(1));
        host.Suspend(id);
        host.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, host.State(id).Deferred.Count());
        Assert.DoesNotContain(host.CommandsOf<RunNode>(id), r => r.NodeId == "c");

        host.Resume(id);
        host.RunUntilIdle();

        Assert.Equal(At(11), host.Node(id, "c").StartedAt);
        host.AssertCompleted(id, """{"c": "c"}""");
    }

    [Fact]
    public void Suspend_Twice_SecondIsNoOp()
    {
        var plan = Plan("""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "go" } } }""");
        var state = Decider.Decide(plan, Decider.Create(plan, "i1", EmptyInput, T0), new InstanceStarted("e1"), T0).State;
        state = Decider.Decide(plan, state, new SuspendRequested("e2", null), T0).State;

        var again = Decider.Decide(plan, state, new SuspendRequested("e3", null), At(1));

        Assert.Same(state, again.State);
        Assert.Empty(again.Commands);
    }

    [Fact]
    public void Resume_Running_NoOp()
    {
        var plan = Plan("""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "go" } } }""");
        var state = Decider.Decide(plan, Decider.Create(plan, "i1", EmptyInput, T0), new InstanceStarted("e1"), T0).State;

        var resumed = Decider.Decide(plan, state, new ResumeRequested("e2", null), At(1));

        Assert.Same(state, resumed.State);
        Assert.Empty(resumed.Commands);
    }

    [Fact]
    public void Suspend_SameEventDeliveredTwiceWhileSuspended_DeferredOnce()
    {
        var plan = Plan("""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "go" }, "ev2": { "type": "event", "event": "go", "runAfter": ["ev"] } } }""");
        var state = Decider.Decide(plan, Decider.Create(plan, "i1", EmptyInput, T0), new InstanceStarted("e1"), T0).State;
        state = Decider.Decide(plan, state, new SuspendRequested("e2", null), T0).State;
        var raised = new EventRaised("e3", "go", Json("1"));
        state = Decider.Decide(plan, state, raised, T0).State;

        var duplicate = Decider.Decide(plan, state, raised, T0);
        Assert.Same(state, duplicate.State);

        var resumed = Decider.Decide(plan, state, new ResumeRequested("e4", null), At(1)).State;
        Assert.Equal(NodeStatus.Succeeded, resumed.Nodes["ev"].Status);
        Assert.Equal(NodeStatus.Running, resumed.Nodes["ev2"].Status);
        Assert.Empty(resumed.EventQueues);
    }

    [Fact]
    public void Suspend_BeforeStart_StartDeferredUntilResume()
    {
        var plan = Plan("""{ "name": "wf", "nodes": { "a": { "type": "set", "value": 1 } } }""");
        var state = Decider.Create(plan, "i1", EmptyInput, T0);
        state = Decider.Decide(plan, state, new SuspendRequested("e1", null), T0).State;

        var started = Decider.Decide(plan, state, new InstanceStarted("e2"), At(1));
        Assert.Equal(InstanceStatus.Suspended, started.State.Status);
        Assert.Empty(started.Commands);

        var resumed = Decider.Decide(plan, started.State, new ResumeRequested("e3", null), At(2));
        Assert.Equal(InstanceStatus.Completed, resumed.State.Status);
        Assert.IsType<CompleteInstance>(Assert.Single(resumed.Commands));
    }

    [Fact]
    public void Suspend_TwiceBeforeStart_OneResumeResumes()
    {
        var plan = Plan("""{ "name": "wf", "nodes": { "a": { "type": "set", "value": 1 } } }""");
        var state = Decider.Create(plan, "i1", EmptyInput, T0);
        state = Decider.Decide(plan, state, new SuspendRequested("e1", null), T0).State;
        state = Decider.Decide(plan, state, new SuspendRequested("e2", null), T0).State;
        state = Decider.Decide(plan, state, new InstanceStarted("e3"), T0).State;

        var resumed = Decider.Decide(plan, state, new ResumeRequested("e4", null), At(1));

        Assert.Equal(InstanceStatus.Completed, resumed.State.Status);
    }
}
