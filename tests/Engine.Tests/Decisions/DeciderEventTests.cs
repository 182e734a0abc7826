using Serverless.Engine.Decisions;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Decisions;

/// <summary>event nodes: delivery, per-name FIFO queues, waiters in start order, case-insensitive names, timeouts.</summary>
public sealed class DeciderEventTests
{
    [Fact]
    public void Event_Raised_DeliversPayloadAsOutput()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "approval": { "type": "event", "event": "approval" },
                "after": { "type": "set", "value": "${{ nodes.approval.output.by }}", "runAfter": ["approval"] }
              }
            }
            """);

        Assert.Equal(NodeStatus.Running, host.StatusOf(id, "approval"));
        Assert.Equal("approval", Assert.Single(host.CommandsOf<WaitForEvent>(id)).Name);
        Assert.Equal(["approval"], host.State(id).Waiters["approval"]);

        host.Advance(TimeSpan.FromMinutes(5));
        host.RaiseEvent(id, "approval", Json("""{"by": "ann", "ok": true}"""));
        host.RunUntilIdle();

        AssertJson("""{"by": "ann", "ok": true}""", host.Node(id, "approval").Output);
        Assert.Equal(T0.AddMinutes(5), host.Node(id, "approval").CompletedAt);
        Assert.Empty(host.State(id).Waiters);
        host.AssertCompleted(id, """{"after": "ann"}""");
    }

    [Fact]
    public void Event_RaisedBeforeWaiting_QueuedAndConsumedWhenNodeStarts()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "pause": { "type": "wait", "duration": "PT1H" },
                "approval": { "type": "event", "event": "approval", "runAfter": ["pause"] }
              }
            }
            """, run: false);
        host.Advance(TimeSpan.FromMinutes(1));

        host.RaiseEvent(id, "approval", Json("1"));
        host.Advance(TimeSpan.FromMinutes(1));
        var queued = Assert.Single(host.State(id).EventQueues["approval"]);
        AssertJson("1", queued.Payload);

        host.RunUntilIdle();
        Assert.Equal(T0.AddHours(1), host.Node(id, "approval").CompletedAt);
        Assert.Empty(host.State(id).EventQueues);
        Assert.Empty(host.CommandsOf<WaitForEvent>(id));
        host.AssertCompleted(id, """{"approval": 1}""");
    }

    [Fact]
    public void Event_RaisedWhilePending_QueuedAndConsumedOnStart()
    {
        var plan = Plan("""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "go" } } }""");
        var pending = Decider.Create(plan, "i1", EmptyInput, T0);

        var raised = Decider.Decide(plan, pending, new EventRaised("e1", "GO", Json("\"early\"")), T0);
        Assert.Equal(InstanceStatus.Pending, raised.State.Status);
        Assert.Empty(raised.Commands);
        Assert.Single(raised.State.EventQueues["go"]);

        var started = Decider.Decide(plan, raised.State, new InstanceStarted("e2"), At(1));
        var complete = Assert.IsType<CompleteInstance>(Assert.Single(started.Commands));
        AssertJson("""{"ev": "early"}""", complete.Output);
    }

    [Fact]
    public void Event_SeveralQueued_DeliveredFirstInFirstOut()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "pause": { "type": "wait", "duration": "PT1M" },
                "first": { "type": "event", "event": "tick", "runAfter": ["pause"] },
                "second": { "type": "event", "event": "tick", "runAfter": ["first"] },
                "third": { "type": "event", "event": "tick", "runAfter": ["second"] }
              }
            }
            """, run: false);
        host.Advance(TimeSpan.FromSeconds(1));
        host.RaiseEvent(id, "tick", Json("1"));
        host.RaiseEvent(id, "tick", Json("2"));
        host.RaiseEvent(id, "tick", Json("3"));

        host.RunUntilIdle();

        host.AssertCompleted(id, """{"third": 3}""");
        AssertJson("1", host.Node(id, "first").Output);
        AssertJson("2", host.Node(id, "second").Output);
    }

    [Fact]
    public void Event_SeveralWaiters_ServedInTheOrderTheyStartedWaiting()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "pause": { "type": "wait", "duration": "PT1M" },
                "late": { "type": "event", "event": "go", "runAfter": ["pause"] },
                "early": { "type": "event", "event": "go" }
              }
            }
            """, run: false);
        host.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(["early", "late"], host.State(id).Waiters["go"]);

        host.RaiseEvent(id, "go", Json("\"one\""));
        host.RaiseEvent(id, "go", Json("\"two\""));
        host.RunUntilIdle();

        AssertJson("\"one\"", host.Node(id, "early").Output);
        AssertJson("\"two\"", host.Node(id, "late").Output);
        Assert.Equal(InstanceStatus.Completed, host.State(id).Status);
    }

    [Fact]
    public void Event_WaitersInForeachItems_ServedInItemStartOrder()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "each": {
                  "type": "foreach",
                  "items": "${{ ['a', 'b', 'c'] }}",
                  "body": { "nodes": { "ev": { "type": "event", "event": "next" } }, "output": "${{ [item, nodes.ev.output] }}" }
                }
              }
            }
            """);
        foreach (var n in new[] { 1, 2, 3 })
        {
            host.RaiseEvent(id, "next", Json(n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        host.RunUntilIdle();

        host.AssertCompleted(id, """{"each": [["a", 1], ["b", 2], ["c", 3]]}""");
    }

    [Theory]
    [InlineData("Approval", "APPROVAL")]
    [InlineData("order.Shipped", "ORDER.shipped")]
    [InlineData("go", "Go")]
    public void Event_Name_ComparedCaseInsensitively(string waited, string raised)
    {
        var host = Host();
        var id = host.Run($$"""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "{{waited}}" } } }""");

        host.RaiseEvent(id, raised, Json("true"));
        host.RunUntilIdle();

        host.AssertCompleted(id, """{"ev": true}""");
    }

    [Fact]
    public void Event_QueuedUnderOtherCase_ConsumedCaseInsensitively()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "pause": { "type": "wait", "duration": "PT1M" },
                "ev": { "type": "event", "event": "Ready", "runAfter": ["pause"] }
              }
            }
            """, run: false);
        host.RaiseEvent(id, "READY", Json("\"x\""));

        host.RunUntilIdle();

        host.AssertCompleted(id, """{"ev": "x"}""");
    }

    [Fact]
    public void Event_OtherName_NotDelivered()
    {
        var host = Host();
        var id = host.Run("""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "approval" } } }""");

        host.RaiseEvent(id, "rejection", Json("1"));
        host.RunUntilIdle();

        Assert.Equal(NodeStatus.Running, host.StatusOf(id, "ev"));
        Assert.Single(host.State(id).EventQueues["rejection"]);
    }

    [Fact]
    public void Event_Timeout_FailsNodeWithTimeoutAndStopsWaiting()
    {
        var host = Host();
        var id = host.Run("""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "approval", "timeout": "PT30M" } } }""");

        var timer = Assert.Single(host.CommandsOf<StartTimer>(id));
        Assert.Equal(T0.AddMinutes(30), timer.DueAt);
        var error = host.AssertFailed(id, ErrorTypes.Timeout);
        Assert.Contains("approval", error.Message, StringComparison.Ordinal);
        Assert.Equal(T0.AddMinutes(30), host.State(id).CompletedAt);
        Assert.Empty(host.State(id).Waiters);
    }

    [Fact]
    public void Event_ArrivesBeforeTimeout_TimerCancelled()
    {
        var host = Host();
        var id = host.Run("""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "approval", "timeout": "PT30M" } } }""", run: false);

        host.Advance(TimeSpan.FromMinutes(10));
        host.RaiseEvent(id, "approval", Json("\"yes\""));
        host.RunUntilIdle();

        host.AssertCompleted(id, """{"ev": "yes"}""");
        var timer = Assert.Single(host.CommandsOf<StartTimer>(id));
        Assert.Equal(timer.TimerId, Assert.Single(host.CommandsOf<CancelTimer>(id)).TimerId);
        Assert.Equal(T0.AddMinutes(10), host.State(id).CompletedAt);
    }

    [Fact]
    public void Event_LateAfterTimeout_QueuedNotLost()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "ev": { "type": "event", "event": "approval", "timeout": "PT1M" },
                "pause": { "type": "wait", "duration": "PT1H", "runAfter": { "ev": ["failed"] } },
                "again": { "type": "event", "event": "approval", "runAfter": ["pause"] }
              }
            }
            """, run: false);
        host.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "ev"));
        Assert.Equal(ErrorTypes.Timeout, host.Node(id, "ev").Error!.Type);

        host.RaiseEvent(id, "approval", Json("\"late\""));
        host.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(host.State(id).EventQueues["approval"]);

        host.RunUntilIdle();
        host.AssertCompleted(id, """{"again": "late"}""");
        Assert.Equal(T0.AddMinutes(61), host.Node(id, "again").CompletedAt);
    }

    [Fact]
    public void CanAcceptEvent_AtTheBound_IsFalseUnlessANodeWaitsForIt()
    {
        var plan = Plan("""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "go" } } }""", new PlanOptions { MaxQueuedEvents = 2 });
        var state = Decider.Decide(plan, Decider.Create(plan, "i1", EmptyInput, T0), new InstanceStarted("e0"), T0).State;
        Assert.True(Decider.CanAcceptEvent(plan, state, "other"));
        state = Decider.Decide(plan, state, new EventRaised("e1", "other", Json("1")), T0).State;
        state = Decider.Decide(plan, state, new EventRaised("e2", "other", Json("2")), T0).State;

        Assert.False(Decider.CanAcceptEvent(plan, state, "other"));
        Assert.True(Decider.CanAcceptEvent(plan, state, "GO"));
    }

    [Fact]
    public void Event_PastTheBound_KeptUpToTwiceTheBoundThenIgnored()
    {
        // Hosts refuse at the bound; events that passed a host's check concurrently are kept, up to twice the bound.
        var plan = Plan("""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "never" } } }""", new PlanOptions { MaxQueuedEvents = 2 });
        var state = Decider.Decide(plan, Decider.Create(plan, "i1", EmptyInput, T0), new InstanceStarted("e0"), T0).State;
        for (var i = 1; i <= 4; i++)
        {
            state = Decider.Decide(plan, state, new EventRaised($"e{i}", "other", Json(i.ToString(System.Globalization.CultureInfo.InvariantCulture))), T0).State;
        }

        var fifth = Decider.Decide(plan, state, new EventRaised("e5", "other", Json("5")), T0);

        Assert.Same(state, fifth.State);
        Assert.Empty(fifth.Commands);
        Assert.Equal(4, state.EventQueues["other"].Count());
    }

    [Fact]
    public void Event_QueueFullOfOtherNames_WaitingNodeStillReceivesEvent()
    {
        var plan = Plan("""{ "name": "wf", "nodes": { "ev": { "type": "event", "event": "go" } } }""", new PlanOptions { MaxQueuedEvents = 1 });
        var state = Decider.Decide(plan, Decider.Create(plan, "i1", EmptyInput, T0), new InstanceStarted("e0"), T0).State;
        state = Decider.Decide(plan, state, new EventRaised("e1", "other", Json("1")), T0).State;
        Assert.Single(state.EventQueues["other"]);

        var delivered = Decider.Decide(plan, state, new EventRaised("e2", "go", Json("2")), At(1));

        Assert.Equal(NodeStatus.Succeeded, delivered.State.Nodes["ev"].Status);
        var complete = Assert.IsType<CompleteInstance>(Assert.Single(delivered.Commands));
        AssertJson("""{"ev": 2}""", complete.Output);
    }

    [Fact]
    public void Event_WaiterInCancelledForeachItem_RemovedAndLaterEventQueued()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "each": {
                  "type": "foreach",
                  "items": "${{ [0, 1] }}",
                  "body": {
                    "nodes": {
                      "ev": { "type": "event", "event": "go", "if": "${{ index === 0 }}" },
                      "stop": { "type": "fail", "error": "Stop", "if": "${{ index === 1 }}", "runAfter": { "pause": ["succeeded"] } },
                      "pause": { "type": "wait", "duration": "PT1M" }
                    }
                  }
                },
                "handled": { "type": "set", "value": 1, "runAfter": { "each": ["failed"] } },
                "later": { "type": "wait", "duration": "PT1H" }
              }
            }
            """, run: false);
        host.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(NodeStatus.Cancelled, host.StatusOf(id, "each[0].ev"));
        Assert.Empty(host.State(id).Waiters);

        host.RaiseEvent(id, "go", Json("1"));
        host.Advance(TimeSpan.FromMinutes(1));

        Assert.Single(host.State(id).EventQueues["go"]);
        Assert.Equal(NodeStatus.Cancelled, host.StatusOf(id, "each[0].ev"));
        Assert.Null(host.Node(id, "each[0].ev").Output);
    }
}
