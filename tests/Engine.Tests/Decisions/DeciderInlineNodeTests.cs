using Serverless.Engine.Decisions;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Decisions;

/// <summary>Nodes decided inline, without commands: <c>set</c>, <c>switch</c> and <c>fail</c>.</summary>
public sealed class DeciderInlineNodeTests
{
    private const string SwitchWorkflow = """
        {
          "name": "wf",
          "nodes": {
            "size": {
              "type": "switch",
              "cases": { "big": "${{ input.n > 100 }}", "small": "${{ input.n > 0 }}" },
              "default": "zero"
            },
            "onBig": { "type": "set", "value": "big", "runAfter": { "size": ["big"] } },
            "onSmall": { "type": "set", "value": "small", "runAfter": { "size": ["small"] } },
            "onSmallOrZero": { "type": "set", "value": "small-or-zero", "runAfter": { "size": ["small", "zero"] } },
            "any": { "type": "set", "value": "${{ nodes.size.output }}", "runAfter": ["size"] }
          }
        }
        """;

    [Fact]
    public void Set_Only_DecidedInlineWithoutNodeCommands()
    {
        var plan = Plan("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "set", "value": { "x": [1, "two", null] } },
                "b": { "type": "set", "value": 2, "runAfter": ["a"] }
              }
            }
            """);

        var decision = Decider.Decide(plan, Decider.Create(plan, "i1", EmptyInput, T0), new InstanceStarted("e1"), T0);

        var complete = Assert.IsType<CompleteInstance>(Assert.Single(decision.Commands));
        AssertJson("""{"b": 2}""", complete.Output);
        AssertJson("""{"x": [1, "two", null]}""", decision.State.Nodes["a"].Output);
        Assert.Equal(InstanceStatus.Completed, decision.State.Status);
    }

    [Fact]
    public void Set_TemplatedValue_EvaluatesRecursively()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": { "a": { "type": "set", "value": { "sum": "${{ input.a + input.b }}", "list": ["${{ input.a }}", "n=${{ input.b }}"] } } }
            }
            """, input: """{"a": 1, "b": 2}""");

        host.AssertCompleted(id, """{"a": {"sum": 3, "list": [1, "n=2"]}}""");
    }

    [Fact]
    public void Switch_Only_DecidedInlineWithoutNodeCommands()
    {
        var plan = Plan(SwitchWorkflow);

        var decision = Decider.Decide(plan, Decider.Create(plan, "i1", Json("""{"n": 5}"""), T0), new InstanceStarted("e1"), T0);

        Assert.IsType<CompleteInstance>(Assert.Single(decision.Commands));
    }

    [Theory]
    [InlineData(500, "big", new[] { "onBig", "any" }, new[] { "onSmall", "onSmallOrZero" })]
    [InlineData(5, "small", new[] { "onSmall", "onSmallOrZero", "any" }, new[] { "onBig" })]
    [InlineData(0, "zero", new[] { "onSmallOrZero", "any" }, new[] { "onBig", "onSmall" })]
    public void Switch_FirstMatchingCaseInDocumentOrder_IsOutputAndOutcome(int n, string chosen, string[] ran, string[] skipped)
    {
        var host = Host();
        var id = host.Run(SwitchWorkflow, input: $$"""{"n": {{n}}}""");

        var size = host.Node(id, "size");
        Assert.Equal(NodeStatus.Succeeded, size.Status);
        Assert.Equal(chosen, size.Outcome);
        AssertJson($"\"{chosen}\"", size.Output);
        AssertJson($"\"{chosen}\"", host.Node(id, "any").Output);
        Assert.All(ran, path => Assert.Equal(NodeStatus.Succeeded, host.StatusOf(id, path)));
        Assert.All(skipped, path => Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, path)));
        Assert.Equal(InstanceStatus.Completed, host.State(id).Status);
    }

    [Fact]
    public void Switch_NoMatchNoDefault_FailsWithNoMatchingCase()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "route": { "type": "switch", "cases": { "yes": "${{ input.x === 1 }}", "no": "${{ input.x === 0 }}" } },
                "after": { "type": "set", "value": 1, "runAfter": ["route"] }
              }
            }
            """, input: """{"x": 7}""");

        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "route"));
        var error = host.AssertFailed(id, ErrorTypes.NoMatchingCase);
        Assert.Contains("route", error.Message, StringComparison.Ordinal);
        Assert.Equal(NodeStatus.Cancelled, host.StatusOf(id, "after"));
    }

    [Fact]
    public void Switch_NoMatchingCaseHandled_FollowerRuns()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "route": { "type": "switch", "cases": { "yes": "${{ false }}" } },
                "recover": { "type": "set", "value": "${{ nodes.route.error.type }}", "runAfter": { "route": ["failed"] } }
              }
            }
            """);

        host.AssertCompleted(id, """{"recover": "NoMatchingCase"}""");
    }

    [Fact]
    public void Switch_CaseThrows_FailsWithExpressionErrorNamingCase()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": { "route": { "type": "switch", "cases": { "deep": "${{ input.a.b.c }}" }, "default": "other" } }
            }
            """);

        var error = host.AssertFailed(id, ErrorTypes.ExpressionError);
        Assert.Contains("deep", error.Message, StringComparison.Ordinal);
        Assert.Contains("input.a.b.c", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fail_Unhandled_FailsInstanceWithItsErrorAndOnlyFailCommand()
    {
        var plan = Plan("""
            {
              "name": "wf",
              "nodes": { "stop": { "type": "fail", "error": "OrderRejected", "message": "order ${{ input.id }} rejected" } }
            }
            """);

        var decision = Decider.Decide(plan, Decider.Create(plan, "i1", Json("""{"id": 42}"""), T0), new InstanceStarted("e1"), T0);

        var fail = Assert.IsType<FailInstance>(Assert.Single(decision.Commands));
        Assert.Equal(new WorkflowError("OrderRejected", "order 42 rejected"), fail.Error);
        Assert.Equal(fail.Error, decision.State.Error);
        Assert.Equal(fail.Error, decision.State.Nodes["stop"].Error);
        Assert.Equal(InstanceStatus.Failed, decision.State.Status);
        Assert.Equal(T0, decision.State.CompletedAt);
    }

    [Fact]
    public void Fail_WithoutMessage_FailsWithItsTypeAndADefaultMessage()
    {
        var host = Host();
        var id = host.Run("""{ "name": "wf", "nodes": { "stop": { "type": "fail", "error": "Nope" } } }""");

        var error = host.AssertFailed(id, "Nope");
        Assert.Contains("stop", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fail_Handled_LikeAnyFailure()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "stop": { "type": "fail", "error": "Nope", "message": "constant" },
                "after": { "type": "set", "value": "${{ [nodes.stop.error.type, nodes.stop.error.message] }}", "runAfter": { "stop": ["failed"] } }
              }
            }
            """);

        host.AssertCompleted(id, """{"after": ["Nope", "constant"]}""");
    }

    [Fact]
    public void Fail_MessageThrows_FailsWithExpressionError()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": { "stop": { "type": "fail", "error": "Nope", "message": "${{ input.a.b }}" } }
            }
            """);

        host.AssertFailed(id, ErrorTypes.ExpressionError);
    }

    [Fact]
    public void Switch_Skipped_CaseFollowersSkippedAndSkippedFollowersRun()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "route": { "type": "switch", "if": "${{ false }}", "cases": { "yes": "${{ true }}" }, "default": "no" },
                "onYes": { "type": "set", "value": 1, "runAfter": { "route": ["yes"] } },
                "onAny": { "type": "set", "value": 2, "runAfter": ["route"] },
                "onSkip": { "type": "set", "value": "${{ nodes.route.output }}", "runAfter": { "route": ["skipped"] } }
              }
            }
            """);

        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "route"));
        Assert.Null(host.Node(id, "route").Outcome);
        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "onYes"));
        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "onAny"));
        host.AssertCompleted(id, """{"onSkip": null}""");
    }

    [Fact]
    public void Switch_Failed_CaseFollowersSkippedFailedFollowersRun()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "route": { "type": "switch", "cases": { "yes": "${{ false }}" } },
                "onYes": { "type": "set", "value": 1, "runAfter": { "route": ["yes", "skipped"] } },
                "onFail": { "type": "set", "value": 2, "runAfter": { "route": ["yes", "failed"] } }
              }
            }
            """);

        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "onYes"));
        host.AssertCompleted(id, """{"onFail": 2}""");
    }
}
