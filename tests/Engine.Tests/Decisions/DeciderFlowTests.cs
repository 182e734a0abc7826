using Serverless.Engine.Decisions;
using Serverless.Engine.Testing;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Decisions;

/// <summary>The DAG rules: runAfter forms, accepted outcomes, skipping, <c>if</c>, fan-out/fan-in, failures, outputs.</summary>
public sealed class DeciderFlowTests
{
    [Fact]
    public void RunAfterList_PredecessorSucceeded_RunsAfterIt()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(c => Ok($"\"{c.NodeId}\"", seconds: 5)));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "activity", "activity": "work" },
                "b": { "type": "activity", "activity": "work", "runAfter": ["a"] }
              }
            }
            """);

        host.AssertCompleted(id, """{"b": "b"}""");
        Assert.Equal(["a", "b"], calls.All.Select(c => c.NodeId));
        Assert.Equal(At(5), host.Node(id, "b").StartedAt);
        Assert.Equal(At(10), host.Node(id, "b").CompletedAt);
    }

    [Fact]
    public void RunAfterList_PredecessorSkipped_SkipsNode()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "pre": { "type": "set", "value": 1 },
                "a": { "type": "set", "value": 2, "runAfter": { "pre": ["failed"] } },
                "b": { "type": "set", "value": 3, "runAfter": ["a"] }
              }
            }
            """);

        host.AssertCompleted(id, "{}");
        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "a"));
        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "b"));
    }

    public static TheoryData<string, string, NodeStatus> OutcomeCases => new()
    {
        // predecessor outcome, accepted outcomes (JSON array), the follower's status
        { "succeeded", """["succeeded"]""", NodeStatus.Succeeded },
        { "succeeded", """["failed"]""", NodeStatus.Skipped },
        { "succeeded", """["skipped"]""", NodeStatus.Skipped },
        { "succeeded", """["failed", "skipped"]""", NodeStatus.Skipped },
        { "failed", """["failed"]""", NodeStatus.Succeeded },
        { "failed", """["succeeded", "failed"]""", NodeStatus.Succeeded },
        { "failed", """["failed", "skipped"]""", NodeStatus.Succeeded },
        { "failed", """["skipped"]""", NodeStatus.Skipped },
        { "skipped", """["skipped"]""", NodeStatus.Succeeded },
        { "skipped", """["succeeded", "skipped"]""", NodeStatus.Succeeded },
        { "skipped", """["succeeded"]""", NodeStatus.Skipped },
        { "skipped", """["failed"]""", NodeStatus.Skipped },
    };

    [Theory]
    [MemberData(nameof(OutcomeCases))]
    public void RunAfterObject_PredecessorOutcome_RunsOnlyWhenAccepted(string outcome, string accepted, NodeStatus expected)
    {
        var predecessor = outcome switch
        {
            "succeeded" => """ "a": { "type": "set", "value": 1 } """,
            "failed" => """
                "a": { "type": "fail", "error": "Boom" },
                "catch": { "type": "set", "value": 0, "runAfter": { "a": ["failed"] } }
                """,
            _ => """
                "pre": { "type": "set", "value": 1 },
                "a": { "type": "set", "value": 1, "runAfter": { "pre": ["failed"] } }
                """,
        };
        var host = Host();
        var id = host.Run($$"""
            {
              "name": "wf",
              "nodes": {
                {{predecessor}},
                "b": { "type": "set", "value": "ran", "runAfter": { "a": {{accepted}} } }
              }
            }
            """);

        Assert.Equal(InstanceStatus.Completed, host.State(id).Status);
        Assert.Equal(outcome, host.StatusOf(id, "a").ToString().ToLowerInvariant());
        Assert.Equal(expected, host.StatusOf(id, "b"));
        AssertJson(expected == NodeStatus.Succeeded ? "\"ran\"" : "null", host.Node(id, "b").Output);
    }

    [Fact]
    public void RunAfterObject_SeveralPredecessors_RunsOnlyWhenEveryOutcomeAccepted()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "ok": { "type": "set", "value": 1 },
                "bad": { "type": "fail", "error": "Boom" },
                "both": { "type": "set", "value": "both", "runAfter": { "ok": ["succeeded"], "bad": ["failed"] } },
                "mismatch": { "type": "set", "value": "x", "runAfter": { "ok": ["failed"], "bad": ["failed"] } }
              }
            }
            """);

        Assert.Equal(NodeStatus.Succeeded, host.StatusOf(id, "both"));
        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "mismatch"));
        host.AssertCompleted(id, """{"both": "both"}""");
    }

    [Fact]
    public void TryDecide_OnePredecessorNotFinal_WaitsForEveryPredecessorBeforeSkipping()
    {
        var host = Host();
        host.Handle("slow", _ => Ok("1", seconds: 10));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "pre": { "type": "set", "value": 1 },
                "fast": { "type": "set", "value": 1, "runAfter": { "pre": ["failed"] } },
                "slow": { "type": "activity", "activity": "slow" },
                "after": { "type": "set", "value": 1, "runAfter": ["fast", "slow"] }
              }
            }
            """);

        var after = host.Node(id, "after");
        Assert.Equal(NodeStatus.Skipped, after.Status);
        Assert.Equal(At(10), after.StartedAt);
        Assert.Equal(At(10), after.CompletedAt);
        Assert.Null(after.Output);
    }

    [Fact]
    public void Skip_Propagates_ThroughChainAndToNodesAcceptingSkipped()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "pre": { "type": "set", "value": 1 },
                "a": { "type": "set", "value": 1, "runAfter": { "pre": ["failed"] } },
                "b": { "type": "set", "value": 2, "runAfter": ["a"] },
                "c": { "type": "set", "value": 3, "runAfter": ["b"] },
                "d": { "type": "set", "value": "${{ nodes.c.output }}", "runAfter": { "c": ["skipped"] } }
              }
            }
            """);

        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "b"));
        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "c"));
        Assert.Equal(NodeStatus.Succeeded, host.StatusOf(id, "d"));
        host.AssertCompleted(id, """{"d": null}""");
    }

    [Fact]
    public void If_False_SkipsNodeAndItsFollowers()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(_ => Ok("1")));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "activity", "activity": "work", "if": "${{ input.go }}" },
                "b": { "type": "activity", "activity": "work", "runAfter": ["a"] },
                "c": { "type": "set", "value": "${{ nodes.a.status }}", "runAfter": { "a": ["skipped"] } }
              }
            }
            """, input: """{"go": false}""");

        Assert.Empty(calls.All);
        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "a"));
        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "b"));
        host.AssertCompleted(id, """{"c": "skipped"}""");
    }

    [Fact]
    public void If_True_RunsNode()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "set", "value": "${{ input.n * 2 }}", "if": "${{ input.n > 1 }}" }
              }
            }
            """, input: """{"n": 21}""");

        host.AssertCompleted(id, """{"a": 42}""");
    }

    [Fact]
    public void If_EvaluatedWhenRunAfterMet_SeesPredecessorOutput()
    {
        var host = Host();
        host.Handle("work", _ => Ok("""{"ok": false}""", seconds: 1));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "activity", "activity": "work" },
                "b": { "type": "set", "value": 1, "runAfter": ["a"], "if": "${{ nodes.a.output.ok }}" }
              }
            }
            """);

        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "b"));
        Assert.Equal(At(1), host.Node(id, "b").CompletedAt);
    }

    [Fact]
    public void If_Throws_FailsNodeWithExpressionErrorNamingNodeAndExpression()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "guarded": { "type": "set", "value": 1, "if": "${{ input.missing.deep }}" }
              }
            }
            """);

        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "guarded"));
        var error = host.AssertFailed(id, ErrorTypes.ExpressionError);
        Assert.Contains("guarded", error.Message, StringComparison.Ordinal);
        Assert.Contains("input.missing.deep", error.Message, StringComparison.Ordinal);
        Assert.Equal(error, host.Node(id, "guarded").Error);
    }

    [Fact]
    public void If_ThrowsAndFailureHandled_FollowerRuns()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "guarded": { "type": "set", "value": 1, "if": "${{ input.missing.deep }}" },
                "recover": { "type": "set", "value": "${{ nodes.guarded.error.type }}", "runAfter": { "guarded": ["failed"] } }
              }
            }
            """);

        host.AssertCompleted(id, """{"recover": "ExpressionError"}""");
    }

    [Fact]
    public void Start_IndependentNodes_FanOutInOneDecision()
    {
        var plan = Plan("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "activity", "activity": "work", "input": { "n": 1 } },
                "b": { "type": "activity", "activity": "work", "input": { "n": 2 } },
                "join": { "type": "activity", "activity": "work", "runAfter": ["a", "b"] }
              }
            }
            """);
        var state = Decider.Create(plan, "i1", EmptyInput, T0);

        var started = Decider.Decide(plan, state, new InstanceStarted("e1"), T0);

        Assert.Collection(
            started.Commands,
            c => AssertRunNode(c, "i1:a:0:1", "a", """{"n": 1}"""),
            c => AssertRunNode(c, "i1:b:0:1", "b", """{"n": 2}"""));

        var afterA = Decider.Decide(plan, started.State, new NodeSucceeded("e2", "i1:a:0:1", Json("1")), At(1));
        Assert.Empty(afterA.Commands);
        Assert.Equal(NodeStatus.Pending, afterA.State.Nodes.GetValueOrDefault("join")?.Status ?? NodeStatus.Pending);

        var afterB = Decider.Decide(plan, afterA.State, new NodeSucceeded("e3", "i1:b:0:1", Json("2")), At(2));
        var join = Assert.IsType<RunNode>(Assert.Single(afterB.Commands));
        Assert.Equal("i1:join:0:1", join.Key);
        Assert.Equal(At(2), afterB.State.Nodes["join"].StartedAt);
    }

    [Fact]
    public void FanIn_PredecessorsOfDifferentDurations_RunsOnceAfterTheLast()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(c => Ok("1", seconds: c.NodeId switch { "a" => 3, "b" => 7, "c" => 5, _ => 1 })));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "activity", "activity": "work" },
                "b": { "type": "activity", "activity": "work" },
                "c": { "type": "activity", "activity": "work" },
                "join": { "type": "activity", "activity": "work", "runAfter": ["a", "b", "c"] }
              }
            }
            """);

        Assert.Equal(1, calls.Count("join"));
        Assert.Equal(At(7), host.Node(id, "join").StartedAt);
        host.AssertCompleted(id, """{"join": 1}""");
    }

    [Fact]
    public void UnhandledFailure_AtTop_FailsInstanceAndCancelsOutstandingWork()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("slow", calls.Record(_ => Ok("1", seconds: 60)));
        host.Handle("hang", calls.Record(_ => ActivityResult.Hang()));
        host.Handle("bad", calls.Record(_ => Err("ActivityError", seconds: 5)));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "sleep": { "type": "wait", "duration": "PT1H" },
                "ev": { "type": "event", "event": "go", "timeout": "PT2H" },
                "slow": { "type": "activity", "activity": "slow" },
                "hang": { "type": "activity", "activity": "hang", "timeout": "PT10M" },
                "bad": { "type": "activity", "activity": "bad" },
                "never": { "type": "activity", "activity": "slow", "runAfter": ["slow"] }
              }
            }
            """);

        var error = host.AssertFailed(id, "ActivityError");
        Assert.Equal("boom", error.Message);
        var state = host.State(id);
        Assert.Equal(At(5), state.CompletedAt);
        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "bad"));
        foreach (var path in new[] { "sleep", "ev", "slow", "hang", "never" })
        {
            Assert.Equal(NodeStatus.Cancelled, host.StatusOf(id, path));
        }

        Assert.Empty(state.Timers);
        Assert.Empty(state.Waiters);
        var started = host.CommandsOf<StartTimer>(id).Select(t => t.TimerId).Order(StringComparer.Ordinal);
        var cancelled = host.CommandsOf<CancelTimer>(id).Select(t => t.TimerId).Order(StringComparer.Ordinal);
        Assert.Equal(3, started.Count());
        Assert.Equal(started, cancelled);
        Assert.Equal(3, calls.All.Count);
        Assert.IsType<FailInstance>(host.Commands(id)[^1]);
        Assert.Empty(host.CommandsOf<TerminateChild>(id));
    }

    [Fact]
    public void UnhandledFailure_InSameDecision_NothingNewIsScheduled()
    {
        var plan = Plan("""
            {
              "name": "wf",
              "nodes": {
                "bad": { "type": "fail", "error": "Boom", "message": "no" },
                "a": { "type": "activity", "activity": "work" },
                "later": { "type": "activity", "activity": "work", "runAfter": { "bad": ["skipped"] } }
              }
            }
            """);

        var decision = Decider.Decide(plan, Decider.Create(plan, "i1", EmptyInput, T0), new InstanceStarted("e1"), T0);

        Assert.Equal(InstanceStatus.Failed, decision.State.Status);
        Assert.Equal(new WorkflowError("Boom", "no"), decision.State.Error);
        Assert.Equal(NodeStatus.Cancelled, decision.State.Nodes["later"].Status);
        Assert.DoesNotContain(decision.Commands, c => c is RunNode { NodeId: "later" });
        Assert.IsType<FailInstance>(decision.Commands[^1]);
    }

    [Fact]
    public void HandledFailure_FollowerAcceptsFailed_InstanceCompletes()
    {
        var host = Host();
        host.Handle("bad", _ => Err("ActivityError", "it broke"));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "activity", "activity": "bad" },
                "fallback": { "type": "set", "value": "${{ nodes.a.error.message }}", "runAfter": { "a": ["failed"] } },
                "happy": { "type": "set", "value": "fine", "runAfter": ["a"] }
              }
            }
            """);

        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "a"));
        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "happy"));
        host.AssertCompleted(id, """{"fallback": "it broke"}""");
    }

    [Fact]
    public void HandledFailure_HandlerSkippedBecauseNodeSucceeded_StillCountsAsHandledStatically()
    {
        var host = Host();
        host.Handle("work", _ => Ok("\"fine\""));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "activity", "activity": "work" },
                "fallback": { "type": "set", "value": 1, "runAfter": { "a": ["failed"] } }
              }
            }
            """);

        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "fallback"));
        host.AssertCompleted(id, "{}");
    }

    [Fact]
    public void DefaultOutput_SucceededSinksOnly_KeyedByNodeId()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "set", "value": { "x": 1 } },
                "b": { "type": "set", "value": [1, 2], "runAfter": ["a"] },
                "c": { "type": "set", "value": "c", "runAfter": ["a"] },
                "d": { "type": "set", "value": "d", "runAfter": { "a": ["failed"] } },
                "e": { "type": "set", "value": null }
              }
            }
            """);

        host.AssertCompleted(id, """{"b": [1, 2], "c": "c", "e": null}""");
    }

    [Fact]
    public void DefaultOutput_NoSucceededSink_IsEmptyObject()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "set", "value": 1 },
                "b": { "type": "set", "value": 2, "runAfter": { "a": ["failed"] } }
              }
            }
            """);

        host.AssertCompleted(id, "{}");
    }

    [Fact]
    public void OutputTemplate_Constant_IsTheOutput()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": { "a": { "type": "set", "value": 1 } },
              "output": { "fixed": [true, "x"] }
            }
            """);

        host.AssertCompleted(id, """{"fixed": [true, "x"]}""");
    }

    [Fact]
    public void OutputTemplate_ReadsAnyTopLevelNodeAndInput()
    {
        var host = Host();
        host.Handle("ship", _ => Ok("""{"tracking": "T-1"}"""));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "set", "value": 40 },
                "ship": { "type": "activity", "activity": "ship", "runAfter": ["a"] },
                "z": { "type": "set", "value": "z" }
              },
              "output": { "sum": "${{ nodes.a.output + input.n }}", "tracking": "${{ nodes.ship.output.tracking }}", "text": "id ${{ nodes.z.output }}" }
            }
            """, input: """{"n": 2}""");

        host.AssertCompleted(id, """{"sum": 42, "tracking": "T-1", "text": "id z"}""");
    }

    [Fact]
    public void OutputTemplate_Throws_FailsInstanceWithExpressionError()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": { "a": { "type": "set", "value": 1 } },
              "output": "${{ nodes.a.output.x.y }}"
            }
            """);

        var error = host.AssertFailed(id, ErrorTypes.ExpressionError);
        Assert.Contains("nodes.a.output.x.y", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_KeepsPartOfRawOutput()
    {
        var host = Host();
        host.Handle("fetch", _ => Ok("""{"status": 200, "headers": {}, "body": {"items": [1, 2, 3], "next": null}}"""));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "fetch": {
                  "type": "http",
                  "request": { "method": "GET", "url": "https://example.com/items" },
                  "select": "${{ output.body.items }}"
                },
                "count": { "type": "set", "value": "${{ nodes.fetch.output.length }}", "runAfter": ["fetch"] }
              }
            }
            """);

        AssertJson("[1, 2, 3]", host.Node(id, "fetch").Output);
        host.AssertCompleted(id, """{"count": 3}""");
    }

    [Fact]
    public void Select_OnSetNode_AppliesToValue()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": { "a": { "type": "set", "value": { "keep": 1, "drop": 2 }, "select": "${{ ({ keep: output.keep }) }}" } }
            }
            """);

        host.AssertCompleted(id, """{"a": {"keep": 1}}""");
    }

    [Fact]
    public void Select_Throws_FailsNodeWithExpressionError()
    {
        var host = Host();
        host.Handle("work", _ => Ok("null"));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": { "a": { "type": "activity", "activity": "work", "select": "${{ output.x }}" } }
            }
            """);

        var error = host.AssertFailed(id, ErrorTypes.ExpressionError);
        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
        Assert.Contains("output.x", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expressions_SeeInstanceInfo()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": { "a": { "type": "set", "value": "${{ [instance.id, instance.workflow, instance.version] }}" } }
            }
            """, instanceId: "wf-fixed");

        host.AssertCompleted(id, """{"a": ["wf-fixed", "wf", 1]}""");
    }

    private static void AssertRunNode(WorkflowCommand command, string key, string path, string input)
    {
        var run = Assert.IsType<RunNode>(command);
        Assert.Equal(key, run.Key);
        Assert.Equal(path, run.Path);
        Assert.Equal(path, run.NodeId);
        Assert.Null(run.Timeout);
        AssertJson(input, run.Input);
    }
}
