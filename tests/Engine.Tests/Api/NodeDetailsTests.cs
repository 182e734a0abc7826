using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Engine.Testing;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Api;

public sealed class NodeDetailsTests
{
    private static InstanceState State(int count) => new()
    {
        InstanceId = "i",
        Workflow = "w",
        Version = 1,
        Nodes = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
            Enumerable.Range(0, count).Select(i => KeyValuePair.Create($"n{i:D2}", new NodeState { NodeId = $"n{i:D2}", Status = NodeStatus.Succeeded, Attempt = 1 }))),
    };

    [Fact]
    public void List_PagedWithTokens_VisitsEveryNodeOnceInOrder()
    {
        var state = State(7);
        var seen = new List<string>();
        string? after = null;
        string? token;
        do
        {
            var page = NodeDetails.List(state, 3, after);
            seen.AddRange(page.Items.Select(n => n!["path"]!.GetValue<string>()));
            token = page.ContinuationToken;
            if (token is not null)
            {
                Assert.Null(NodeDetails.TryParsePaging("3", token, out _, out after));
            }
        }
        while (token is not null);

        Assert.Equal(state.Nodes.Keys, seen);
    }

    [Theory]
    [InlineData("0", null)]
    [InlineData("1001", null)]
    [InlineData("x", null)]
    [InlineData(null, "!!not-base64!!")]
    public void TryParsePaging_Invalid_ReturnsValidationError(string? top, string? token)
    {
        var error = NodeDetails.TryParsePaging(top, token, out _, out _);

        Assert.NotNull(error);
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public void List_RetriedHttpNode_ShowsEachAttemptAndTheRetryGap()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("fetch", calls.Record(_ => calls.All.Count < 3 ? Err("HttpError", seconds: 1) : Ok("1", seconds: 1)));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "fetch": {
                  "type": "http",
                  "request": { "method": "GET", "url": "https://example.com/" },
                  "retry": { "errors": ["ALL"], "maxAttempts": 3, "interval": "PT30S", "backoff": 2, "jitter": "none" }
                }
              }
            }
            """, run: false);
        host.Advance(TimeSpan.FromSeconds(5));
        var waiting = Single(host, id, "fetch");

        host.RunUntilIdle();
        var done = Single(host, id, "fetch");

        Assert.Equal(
            $$"""[{"attempt":1,"startedAt":"{{Time(0)}}","endedAt":"{{Time(1)}}","errorType":"HttpError"}]""",
            waiting["attemptLog"]!.ToJsonString());
        Assert.Equal($$"""{"retryAt":"{{Time(31)}}"}""", waiting["waitingFor"]!.ToJsonString());
        Assert.Equal(
            $$"""[{"attempt":1,"startedAt":"{{Time(0)}}","endedAt":"{{Time(1)}}","errorType":"HttpError"},"""
            + $$"""{"attempt":2,"startedAt":"{{Time(31)}}","endedAt":"{{Time(32)}}","errorType":"HttpError"},"""
            + $$"""{"attempt":3,"startedAt":"{{Time(92)}}","endedAt":"{{Time(93)}}"}]""",
            done["attemptLog"]!.ToJsonString());
        Assert.Equal(("succeeded", 3), (done["status"]!.GetValue<string>(), done["attempts"]!.GetValue<int>()));
        Assert.False(done.ContainsKey("waitingFor"));
        Assert.False(done.ContainsKey("attemptLogDropped"));
    }

    [Fact]
    public void List_SingleFailedAttempt_IsTheNodesOwnTimes()
    {
        var host = Host();
        host.Handle("work", _ => Err("ActivityError", seconds: 4));
        var id = host.Run("""{ "name": "wf", "nodes": { "work": { "type": "activity", "activity": "work" } } }""");

        var node = Single(host, id, "work");

        Assert.Equal($$"""[{"attempt":1,"startedAt":"{{Time(0)}}","endedAt":"{{Time(4)}}","errorType":"ActivityError"}]""", node["attemptLog"]!.ToJsonString());
    }

    [Fact]
    public void List_EventNodeWithTimeout_WaitsForTheEventAndTheTimer()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "approve": { "type": "event", "event": "Approval", "timeout": "PT30M" },
                "plain": { "type": "event", "event": "other" }
              }
            }
            """, run: false);
        host.Advance(TimeSpan.FromSeconds(1));

        var approve = Single(host, id, "approve");
        var plain = Single(host, id, "plain");
        host.RaiseEvent(id, "approval", Json("true"));
        host.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal($$"""{"event":"Approval","timerDueAt":"{{Time(1800)}}"}""", approve["waitingFor"]!.ToJsonString());
        Assert.Equal("""{"event":"other"}""", plain["waitingFor"]!.ToJsonString());
        Assert.False(approve.ContainsKey("attemptLog"));
        Assert.False(Single(host, id, "approve").ContainsKey("waitingFor"));
    }

    [Fact]
    public void List_EventNodeWithoutThePlan_NamesTheEventAsStored()
    {
        var host = Host();
        var id = host.Run("""{ "name": "wf", "nodes": { "approve": { "type": "event", "event": "Approval" } } }""");

        var node = NodeDetails.List(host.State(id), NodeDetails.MaxTop, null).Items.Single()!.AsObject();

        Assert.Equal("""{"event":"approval"}""", node["waitingFor"]!.ToJsonString());
    }

    [Fact]
    public void List_WaitNode_ShowsTheTimersDueTime()
    {
        var host = Host();
        var id = host.Run("""{ "name": "wf", "nodes": { "pause": { "type": "wait", "duration": "PT2H" } } }""", run: false);
        host.Advance(TimeSpan.FromMinutes(1));

        var node = Single(host, id, "pause");

        Assert.Equal($$"""{"timerDueAt":"{{Time(7200)}}"}""", node["waitingFor"]!.ToJsonString());
    }

    [Fact]
    public void List_Foreach_CountsItems()
    {
        var host = Host();
        host.Handle("work", c => c.Input.GetInt32() switch
        {
            1 => Err("ActivityError"),
            2 => Ok("2"),
            _ => Ok("0", seconds: 60),
        });
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "each": {
                  "type": "foreach",
                  "items": "${{ [1, 2, 3, 4, 5] }}",
                  "maxConcurrency": 3,
                  "toleratedFailures": 1,
                  "body": { "nodes": { "w": { "type": "activity", "activity": "work", "input": "${{ item }}" } } }
                }
              }
            }
            """, run: false);
        host.Advance(TimeSpan.FromSeconds(1));

        var each = Single(host, id, "each");
        var iteration = Single(host, id, "each[2]");

        Assert.Equal("""{"total":5,"done":2,"failed":1,"active":3}""", each["items"]!.ToJsonString());
        Assert.False(iteration.ContainsKey("items"));
    }

    [Fact]
    public void List_WorkflowNode_NamesTheChildThatExists()
    {
        var host = Host();
        host.Register("""{ "name": "child", "nodes": { "ev": { "type": "event", "event": "go" } } }""");
        var id = host.Run("""
            {
              "name": "parent",
              "nodes": { "call": { "type": "workflow", "workflow": "child" } }
            }
            """);

        var call = Single(host, id, "call");
        var child = call["childInstanceId"]!.GetValue<string>();

        Assert.Contains(child, host.InstanceIds);
        Assert.Equal(InstanceStatus.Running, host.State(child).Status);
        Assert.Equal($"{id}:call:0:1", child);
    }

    [Fact]
    public void List_WorkflowNodeRetried_NamesTheLatestChild()
    {
        var host = Host();
        host.Register("""{ "name": "child", "nodes": { "boom": { "type": "fail", "error": "Bad" } } }""");
        var id = host.Run("""
            {
              "name": "parent",
              "nodes": { "call": { "type": "workflow", "workflow": "child", "retry": { "maxAttempts": 2, "interval": "PT10S", "jitter": "none" } } }
            }
            """);

        var call = Single(host, id, "call");

        Assert.Equal($"{id}:call:0:2", call["childInstanceId"]!.GetValue<string>());
        Assert.Contains($"{id}:call:0:2", host.InstanceIds);
        Assert.Equal(2, call["attemptLog"]!.AsArray().Count);
    }

    private static JsonObject Single(EngineTestHost host, string id, string path)
        => NodeDetails.List(host.State(id), NodeDetails.MaxTop, null, host.Plan(id)).Items
            .Select(n => n!.AsObject())
            .Single(n => n["path"]!.GetValue<string>() == path);

    private static string Time(double seconds) => StatusBuilder.FormatTime(At(seconds));
}
