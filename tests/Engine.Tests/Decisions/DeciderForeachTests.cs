using System.Globalization;
using System.Text.Json;
using Serverless.Engine.Decisions;
using Serverless.Engine.Testing;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Decisions;

/// <summary>foreach: concurrency, item order, tolerance, ItemsFailed, cancellation, item/index.</summary>
public sealed class DeciderForeachTests
{
    private static string Workflow(string maxConcurrency = "", string tolerated = "", string bodyOutput = "") => $$$"""
        {
          "name": "wf",
          "nodes": {
            "each": {
              "type": "foreach",
              "items": "${{ input.items }}"{{{maxConcurrency}}}{{{tolerated}}},
              "body": {
                "nodes": { "work": { "type": "activity", "activity": "work", "input": { "item": "${{ item }}", "index": "${{ index }}" } } }{{{bodyOutput}}}
              }
            }
          }
        }
        """;

    private static string Items(int count) => "{\"items\": [" + string.Join(", ", Enumerable.Range(0, count)) + "]}";

    private static int IndexOf(ActivityCall call) => call.Input.GetProperty("index").GetInt32();

    [Theory]
    [InlineData(7, 2, 2)]
    [InlineData(5, 10, 5)]
    [InlineData(3, 1, 1)]
    [InlineData(25, null, 10)]
    [InlineData(150, 0, 100)]
    public void Foreach_MaxConcurrency_OutstandingWorkNeverExceedsLimit(int count, int? maxConcurrency, int expectedPeak)
    {
        var host = Host();
        var calls = new Calls();
        var peak = 0;
        host.Handle("work", calls.Record(call =>
        {
            var finished = host.History(call.InstanceId).Count(h => h.Event is NodeSucceeded or NodeFailed);
            peak = Math.Max(peak, calls.All.Count - finished);
            var index = IndexOf(call);
            return Ok((index * 10).ToString(CultureInfo.InvariantCulture), seconds: (index % 3) + 1);
        }));

        var mc = maxConcurrency is { } m ? $", \"maxConcurrency\": {m}" : "";
        var id = host.Run(Workflow(maxConcurrency: mc, bodyOutput: ", \"output\": \"${{ nodes.work.output }}\""), input: Items(count));

        Assert.Equal(expectedPeak, peak);
        Assert.Equal(Enumerable.Range(0, count), calls.All.Select(IndexOf).Order());
        var expected = "[" + string.Join(", ", Enumerable.Range(0, count).Select(i => i * 10)) + "]";
        host.AssertCompleted(id, $$"""{"each": {{expected}}}""");
    }

    [Fact]
    public void Foreach_StartDecision_EmitsOneRunNodePerItemUpToLimit()
    {
        var plan = Plan(Workflow(maxConcurrency: ", \"maxConcurrency\": 3"));
        var state = Decider.Create(plan, "i1", Json(Items(5)), T0);

        var decision = Decider.Decide(plan, state, new InstanceStarted("e1"), T0);

        Assert.Equal(["i1:each[0].work:0:1", "i1:each[1].work:0:1", "i1:each[2].work:0:1"], decision.Commands.OfType<RunNode>().Select(r => r.Key));
        Assert.Equal(3, decision.Commands.Length);
        var next = Decider.Decide(plan, decision.State, new NodeSucceeded("e2", "i1:each[1].work:0:1", Json("1")), At(1));
        Assert.Equal("i1:each[3].work:0:1", Assert.IsType<RunNode>(Assert.Single(next.Commands)).Key);
    }

    [Fact]
    public void Foreach_ItemsFinishOutOfOrder_OutputsInItemOrder()
    {
        var host = Host();
        host.Handle("work", call => Ok(call.Input.GetProperty("item").GetRawText(), seconds: 10 - call.Input.GetProperty("item").GetInt32()));
        var id = host.Run(Workflow(), input: """{"items": [3, 9, 1, 5]}""");

        host.AssertCompleted(id, """{"each": [{"work": 3}, {"work": 9}, {"work": 1}, {"work": 5}]}""");
    }

    [Fact]
    public void Foreach_ItemAndIndex_VisibleInBody()
    {
        var host = Host();
        host.Handle("work", call => ActivityResult.Success(call.Input));
        var id = host.Run(Workflow(), input: """{"items": ["a", {"b": 1}, null]}""");

        host.AssertCompleted(id, """
            {"each": [
              {"work": {"item": "a", "index": 0}},
              {"work": {"item": {"b": 1}, "index": 1}},
              {"work": {"item": null, "index": 2}}
            ]}
            """);
        Assert.Contains(host.CommandsOf<RunNode>(id), r => r.Key == $"{id}:each[1].work:0:1" && r.Path == "each[1].work" && r.NodeId == "work");
    }

    [Fact]
    public void Foreach_BodySeesOuterNodesItsOwnerSees()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "cfg": { "type": "set", "value": { "factor": 10 } },
                "each": {
                  "type": "foreach",
                  "runAfter": ["cfg"],
                  "items": "${{ [1, 2] }}",
                  "body": {
                    "nodes": {
                      "mul": { "type": "set", "value": "${{ item * nodes.cfg.output.factor }}" },
                      "add": { "type": "set", "value": "${{ nodes.mul.output + index }}", "runAfter": ["mul"] }
                    },
                    "output": "${{ nodes.add.output }}"
                  }
                }
              }
            }
            """);

        host.AssertCompleted(id, """{"each": [10, 21]}""");
    }

    [Fact]
    public void Foreach_EmptyArray_SucceedsWithEmptyArrayAndNoWork()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(_ => Ok("1")));
        var id = host.Run(Workflow(), input: """{"items": []}""");

        host.AssertCompleted(id, """{"each": []}""");
        Assert.Empty(calls.All);
        Assert.Empty(host.CommandsOf<RunNode>(id));
    }

    [Theory]
    [InlineData("5")]
    [InlineData("\"abc\"")]
    [InlineData("{\"a\": 1}")]
    [InlineData("null")]
    public void Foreach_ItemsNotArray_FailsNode(string items)
    {
        var host = Host();
        var id = host.Run(Workflow(), input: $$"""{"items": {{items}}}""");

        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "each"));
        var error = host.AssertFailed(id, ErrorTypes.ExpressionError);
        Assert.Contains("each", error.Message, StringComparison.Ordinal);
        Assert.Contains("array", error.Message, StringComparison.Ordinal);
        Assert.Empty(host.CommandsOf<RunNode>(id));
    }

    [Theory]
    [InlineData(5, "1", new[] { 2 }, true)]
    [InlineData(5, "1", new[] { 1, 3 }, false)]
    [InlineData(5, "0", new[] { 4 }, false)]
    [InlineData(5, "5", new[] { 0, 1, 2, 3, 4 }, true)]
    [InlineData(10, "\"25%\"", new[] { 1, 8 }, true)]
    [InlineData(10, "\"25%\"", new[] { 1, 5, 8 }, false)]
    [InlineData(10, "\"19%\"", new[] { 3 }, true)]
    [InlineData(10, "\"19%\"", new[] { 3, 4 }, false)]
    [InlineData(3, "\"0%\"", new[] { 0 }, false)]
    [InlineData(3, "\"100%\"", new[] { 0, 1, 2 }, true)]
    public void Foreach_ToleratedFailures_CountAndPercent(int count, string tolerated, int[] failing, bool succeeds)
    {
        var host = Host();
        host.Handle("work", call => failing.Contains(IndexOf(call)) ? Err("ActivityError", $"item {IndexOf(call)}") : Ok(IndexOf(call).ToString(CultureInfo.InvariantCulture)));
        var id = host.Run(Workflow(tolerated: $", \"toleratedFailures\": {tolerated}", bodyOutput: ", \"output\": \"${{ nodes.work.output }}\""), input: Items(count));

        if (succeeds)
        {
            var outputs = Enumerable.Range(0, count).Select(i => failing.Contains(i) ? "null" : i.ToString(CultureInfo.InvariantCulture));
            host.AssertCompleted(id, $$"""{"each": [{{string.Join(", ", outputs)}}]}""");
            Assert.All(failing, i => Assert.Equal(NodeStatus.Failed, host.StatusOf(id, $"each[{i}]")));
        }
        else
        {
            host.AssertFailed(id, ErrorTypes.ItemsFailed);
            Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "each"));
        }
    }

    [Fact]
    public void Foreach_BeyondTolerance_ItemsFailedDetailsListIndexAndError()
    {
        var host = Host();
        host.Handle("work", call => IndexOf(call) is 1 or 3 ? Err("ActivityError", $"item {IndexOf(call)}") : Ok("0"));
        var id = host.Run(Workflow(tolerated: ", \"toleratedFailures\": 1"), input: Items(4));

        var error = host.AssertFailed(id, ErrorTypes.ItemsFailed);
        AssertJson("""
            [
              {"index": 1, "error": {"type": "ActivityError", "message": "item 1"}},
              {"index": 3, "error": {"type": "ActivityError", "message": "item 3"}}
            ]
            """, error.Details);
        Assert.Contains("each", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Foreach_BeyondTolerance_StartsNoMoreItemsAndCancelsRunningOnes()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(call => IndexOf(call) == 0 ? Err("ActivityError", seconds: 1) : Ok("\"late\"", seconds: 10)));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "each": {
                  "type": "foreach",
                  "items": "${{ [0, 1, 2, 3, 4, 5] }}",
                  "maxConcurrency": 2,
                  "body": {
                    "nodes": {
                      "work": { "type": "activity", "activity": "work", "timeout": "PT30S", "input": { "index": "${{ index }}" } },
                      "next": { "type": "set", "value": 1, "runAfter": ["work"] }
                    }
                  }
                },
                "after": { "type": "set", "value": "${{ nodes.each.error.type }}", "runAfter": { "each": ["failed"] } },
                "keepAlive": { "type": "wait", "duration": "PT1M" }
              }
            }
            """);

        Assert.Equal([0, 1], calls.All.Select(IndexOf));
        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "each"));
        Assert.Equal(At(1), host.Node(id, "each").CompletedAt);
        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "each[0]"));
        Assert.Equal(NodeStatus.Cancelled, host.StatusOf(id, "each[1]"));
        Assert.Equal(NodeStatus.Cancelled, host.StatusOf(id, "each[1].work"));
        Assert.Equal(NodeStatus.Cancelled, host.StatusOf(id, "each[1].next"));
        Assert.Equal(NodeStatus.Pending, host.StatusOf(id, "each[2]"));
        Assert.Equal(NodeStatus.Pending, host.StatusOf(id, "each[2].work"));

        // the attempt timers: item 0's cancelled by its result, item 1's by the cancellation
        var timers = host.CommandsOf<StartTimer>(id).Where(t => t.DueAt == At(30)).Select(t => t.TimerId).ToList();
        Assert.Equal(2, timers.Count);
        Assert.Subset(host.CommandsOf<CancelTimer>(id).Select(c => c.TimerId).ToHashSet(), timers.ToHashSet());

        // item 1's late result at 10s changed nothing
        Assert.Contains(host.History(id), h => h.Event is NodeSucceeded s && s.Key == $"{id}:each[1].work:0:1" && h.At == At(10));
        Assert.Null(host.Node(id, "each[1].work").Output);
        host.AssertCompleted(id, """{"after": "ItemsFailed", "keepAlive": null}""");
    }

    [Fact]
    public void Foreach_FailureHandledInsideBody_ItemSucceeds()
    {
        var host = Host();
        host.Handle("work", call => IndexOf(call) == 1 ? Err("ActivityError") : Ok("\"ok\""));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "each": {
                  "type": "foreach",
                  "items": "${{ [0, 1] }}",
                  "body": {
                    "nodes": {
                      "work": { "type": "activity", "activity": "work", "input": { "index": "${{ index }}" } },
                      "fallback": { "type": "set", "value": "fallback", "runAfter": { "work": ["failed"] } }
                    },
                    "output": "${{ nodes.work.status === 'succeeded' ? nodes.work.output : nodes.fallback.output }}"
                  }
                }
              }
            }
            """);

        host.AssertCompleted(id, """{"each": ["ok", "fallback"]}""");
        Assert.Equal(NodeStatus.Succeeded, host.StatusOf(id, "each[1]"));
        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "each[1].work"));
    }

    [Fact]
    public void Foreach_DefaultBodyOutput_SucceededSinksOfTheBody()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "each": {
                  "type": "foreach",
                  "items": "${{ [1, 2] }}",
                  "body": {
                    "nodes": {
                      "a": { "type": "set", "value": "${{ item }}" },
                      "b": { "type": "set", "value": "${{ item * 2 }}", "runAfter": ["a"] },
                      "c": { "type": "set", "value": 0, "runAfter": { "a": ["failed"] } }
                    }
                  }
                }
              }
            }
            """);

        host.AssertCompleted(id, """{"each": [{"b": 2}, {"b": 4}]}""");
    }

    [Fact]
    public void Foreach_NestedForeach_PathsAndOutputs()
    {
        var host = Host();
        host.Handle("work", call => ActivityResult.Success(call.Input));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "outer": {
                  "type": "foreach",
                  "items": "${{ [[1, 2], [3]] }}",
                  "body": {
                    "nodes": {
                      "inner": {
                        "type": "foreach",
                        "items": "${{ item }}",
                        "body": {
                          "nodes": { "work": { "type": "activity", "activity": "work", "input": "${{ item * 10 }}" } },
                          "output": "${{ nodes.work.output }}"
                        }
                      }
                    },
                    "output": "${{ nodes.inner.output }}"
                  }
                }
              }
            }
            """);

        host.AssertCompleted(id, """{"outer": [[10, 20], [30]]}""");
        Assert.Contains(host.CommandsOf<RunNode>(id), r => r.Key == $"{id}:outer[0].inner[1].work:0:1" && r.Path == "outer[0].inner[1].work");
        AssertJson("30", host.Node(id, "outer[1].inner[0].work").Output);
    }

    [Fact]
    public void Foreach_TooManyItems_FailsNode()
    {
        var host = Host(new PlanOptions { MaxForeachItems = 3 });
        var id = host.Run(Workflow(), input: Items(4));

        host.AssertFailed(id, ErrorTypes.ValidationError);
        Assert.Empty(host.CommandsOf<RunNode>(id));
    }

    [Fact]
    public void Foreach_ItemsFailedHandled_FollowerSeesDetails()
    {
        var host = Host();
        host.Handle("work", _ => Err("ActivityError", "nope"));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "each": {
                  "type": "foreach",
                  "items": "${{ ['x'] }}",
                  "body": { "nodes": { "work": { "type": "activity", "activity": "work" } } }
                },
                "report": { "type": "set", "value": "${{ nodes.each.error.details }}", "runAfter": { "each": ["failed"] } }
              }
            }
            """);

        host.AssertCompleted(id, """{"report": [{"index": 0, "error": {"type": "ActivityError", "message": "nope"}}]}""");
        Assert.Equal(JsonValueKind.Array, host.Node(id, "each").Error!.Details!.Value.ValueKind);
    }

    [Fact]
    public void Foreach_UnhandledFailureInBody_EndsOnlyThatIterationWithinTolerance()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("slow", calls.Record(c => Ok("\"done\"", seconds: 10)));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "each": {
                  "type": "foreach",
                  "items": "${{ [0, 1] }}",
                  "toleratedFailures": 1,
                  "body": {
                    "nodes": {
                      "slow": { "type": "activity", "activity": "slow", "timeout": "PT1M" },
                      "bad": { "type": "fail", "error": "Bad", "if": "${{ index === 0 }}" },
                      "after": { "type": "set", "value": 1, "runAfter": ["slow"] }
                    },
                    "output": "${{ nodes.slow.output }}"
                  }
                }
              }
            }
            """);

        host.AssertCompleted(id, """{"each": [null, "done"]}""");
        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "each[0]"));
        Assert.Equal(new WorkflowError("Bad", "Node 'each[0].bad' failed."), host.Node(id, "each[0]").Error);
        Assert.Equal(NodeStatus.Cancelled, host.StatusOf(id, "each[0].slow"));
        Assert.Equal(NodeStatus.Cancelled, host.StatusOf(id, "each[0].after"));
        Assert.Equal(NodeStatus.Succeeded, host.StatusOf(id, "each[1].slow"));
        Assert.Equal(NodeStatus.Skipped, host.StatusOf(id, "each[1].bad"));
        Assert.Equal(2, calls.All.Count);
        Assert.Equal(At(10), host.State(id).CompletedAt);
        Assert.Equal(2, host.CommandsOf<CancelTimer>(id).Count);
    }

    [Fact]
    public void Foreach_BeyondTolerance_TerminatesChildrenOfCancelledItems()
    {
        var host = Host();
        host.Register("""{ "name": "child", "nodes": { "stop": { "type": "fail", "error": "Bad", "if": "${{ input === 0 }}" }, "sleep": { "type": "wait", "duration": "PT1H" } } }""");
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "each": {
                  "type": "foreach",
                  "items": "${{ [0, 1] }}",
                  "body": { "nodes": { "call": { "type": "workflow", "workflow": "child", "input": "${{ item }}" } } }
                }
              }
            }
            """);

        host.AssertFailed(id, ErrorTypes.ItemsFailed);
        var terminate = Assert.Single(host.CommandsOf<TerminateChild>(id));
        Assert.Equal($"{id}:each[1].call:0:1", terminate.ChildInstanceId);
        Assert.Equal(InstanceStatus.Terminated, host.State(terminate.ChildInstanceId).Status);
        Assert.Equal(T0, host.State(terminate.ChildInstanceId).CompletedAt);
    }
}
