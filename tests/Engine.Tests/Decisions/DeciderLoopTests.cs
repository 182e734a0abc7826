using Serverless.Engine.Decisions;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Decisions;

/// <summary>loop: until, iteration from 1, previous, maxIterations.</summary>
public sealed class DeciderLoopTests
{
    [Fact]
    public void Loop_UntilTrue_OutputIsLastIterationOutput()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "count": {
                  "type": "loop",
                  "maxIterations": 10,
                  "until": "${{ output >= 3 }}",
                  "body": {
                    "nodes": { "inc": { "type": "set", "value": "${{ (previous ?? 0) + 1 }}" } },
                    "output": "${{ nodes.inc.output }}"
                  }
                }
              }
            }
            """);

        host.AssertCompleted(id, """{"count": 3}""");
        Assert.Equal(NodeStatus.Succeeded, host.StatusOf(id, "count[3]"));
        Assert.Equal(NodeStatus.Pending, host.StatusOf(id, "count[4]"));
        Assert.Equal(NodeStatus.Pending, host.StatusOf(id, "count[0]"));
    }

    [Fact]
    public void Loop_IterationFromOneAndPrevious_VisibleInBody()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "again": {
                  "type": "loop",
                  "maxIterations": 5,
                  "until": "${{ iteration === 3 }}",
                  "body": {
                    "nodes": { "step": { "type": "set", "value": { "iteration": "${{ iteration }}", "previous": "${{ previous }}" } } }
                  }
                }
              }
            }
            """);

        AssertJson("""{"step": {"iteration": 1, "previous": null}}""", host.Node(id, "again[1]").Output);
        AssertJson("""{"step": {"iteration": 2, "previous": {"step": {"iteration": 1, "previous": null}}}}""", host.Node(id, "again[2]").Output);
        AssertJson("""{"iteration": 3, "previous": {"step": {"iteration": 2, "previous": {"step": {"iteration": 1, "previous": null}}}}}""", host.Node(id, "again[3].step").Output);
        Assert.Equal(InstanceStatus.Completed, host.State(id).Status);
    }

    [Fact]
    public void Loop_UntilSeesNodesOutputAndIteration()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "again": {
                  "type": "loop",
                  "maxIterations": 10,
                  "until": "${{ nodes.a.output === 'x' && output.a === 'x' && iteration >= 2 }}",
                  "body": { "nodes": { "a": { "type": "set", "value": "x" } } }
                }
              }
            }
            """);

        host.AssertCompleted(id, """{"again": {"a": "x"}}""");
        Assert.Equal(NodeStatus.Pending, host.StatusOf(id, "again[3]"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Loop_MaxIterationsWithoutUntil_FailsWithLoopLimitExceeded(int maxIterations)
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("poll", calls.Record(_ => Ok("""{"done": false}""", seconds: 1)));
        var id = host.Run($$$"""
            {
              "name": "wf",
              "nodes": {
                "poll": {
                  "type": "loop",
                  "maxIterations": {{{maxIterations}}},
                  "until": "${{ nodes.check.output.done }}",
                  "body": { "nodes": { "check": { "type": "activity", "activity": "poll" } } }
                }
              }
            }
            """);

        var error = host.AssertFailed(id, ErrorTypes.LoopLimitExceeded);
        Assert.Contains("poll", error.Message, StringComparison.Ordinal);
        Assert.Equal(maxIterations, calls.All.Count);
        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "poll"));
    }

    [Fact]
    public void Loop_PollingBodyWithWait_IterationsRunSequentiallyOnVirtualTime()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("poll", calls.Record(_ => Ok(calls.All.Count >= 3 ? """{"done": true}""" : """{"done": false}""", seconds: 2)));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "poll": {
                  "type": "loop",
                  "maxIterations": 10,
                  "until": "${{ nodes.check.output.done }}",
                  "body": {
                    "nodes": {
                      "check": { "type": "activity", "activity": "poll", "input": "${{ iteration }}" },
                      "pause": { "type": "wait", "duration": "PT10S", "runAfter": ["check"] }
                    },
                    "output": "${{ iteration }}"
                  }
                }
              }
            }
            """);

        host.AssertCompleted(id, """{"poll": 3}""");
        Assert.Equal(["1", "2", "3"], calls.All.Select(c => c.Input.GetRawText()));
        Assert.Equal([$"{id}:poll[1].check:0:1", $"{id}:poll[2].check:0:1", $"{id}:poll[3].check:0:1"], calls.All.Select(c => c.Key));
        Assert.Equal([At(12), At(24), At(36)], host.CommandsOf<StartTimer>(id).Select(t => t.DueAt));
        Assert.Equal(At(36), host.State(id).CompletedAt);
    }

    [Fact]
    public void Loop_BodyFailsUnhandled_LoopFailsWithBodyError()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "again": {
                  "type": "loop",
                  "maxIterations": 5,
                  "until": "${{ false }}",
                  "body": {
                    "nodes": {
                      "stop": { "type": "fail", "error": "Stop", "message": "at ${{ iteration }}", "if": "${{ iteration === 2 }}" },
                      "after": { "type": "set", "value": 1, "runAfter": { "stop": ["succeeded", "skipped"] } }
                    }
                  }
                },
                "handled": { "type": "set", "value": "${{ nodes.again.error }}", "runAfter": { "again": ["failed"] } }
              }
            }
            """);

        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "again"));
        Assert.Equal(new WorkflowError("Stop", "at 2"), host.Node(id, "again").Error);
        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "again[2]"));
        Assert.Equal(NodeStatus.Cancelled, host.StatusOf(id, "again[2].after"));
        Assert.Equal(NodeStatus.Pending, host.StatusOf(id, "again[3]"));
        host.AssertCompleted(id, """{"handled": {"type": "Stop", "message": "at 2"}}""");
    }

    [Fact]
    public void Loop_UntilThrows_FailsWithExpressionError()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "again": {
                  "type": "loop",
                  "maxIterations": 5,
                  "until": "${{ output.missing.deep }}",
                  "body": { "nodes": { "a": { "type": "set", "value": 1 } } }
                }
              }
            }
            """);

        var error = host.AssertFailed(id, ErrorTypes.ExpressionError);
        Assert.Contains("again", error.Message, StringComparison.Ordinal);
        Assert.Contains("output.missing.deep", error.Message, StringComparison.Ordinal);
    }
}
