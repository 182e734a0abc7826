using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Tests.Api;

public sealed class StatusBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static WorkflowPlan Plan(string json) => WorkflowPlan.Compile(DefinitionParser.Parse(json).Definition!, 1);

    private static InstanceState State(InstanceStatus status, params (string Path, NodeStatus Status)[] nodes) => new()
    {
        InstanceId = "i",
        Workflow = "w",
        Version = 1,
        Status = status,
        Input = JsonSerializer.SerializeToElement(new { x = 1 }),
        CreatedAt = Now,
        LastUpdatedAt = Now.AddSeconds(1),
        Nodes = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
            nodes.Select(n => KeyValuePair.Create(n.Path, new NodeState { NodeId = n.Path.Split('.')[^1].Split('[')[0], Status = n.Status }))),
    };

    [Fact]
    public void Build_Completed_HasDurableShapeWithOutputAndInputEnvelope()
    {
        var state = State(InstanceStatus.Completed, ("a", NodeStatus.Succeeded)) with { Output = JsonSerializer.SerializeToElement(42) };

        var status = StatusBuilder.Build(state, null);

        Assert.Equal("w", status["name"]!.GetValue<string>());
        Assert.Equal("i", status["instanceId"]!.GetValue<string>());
        Assert.Equal("Completed", status["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("w", status["input"]!["workflow"]!.GetValue<string>());
        Assert.Equal(1, status["input"]!["version"]!.GetValue<int>());
        Assert.Equal(1, status["input"]!["input"]!["x"]!.GetValue<int>());
        Assert.Equal(42, status["output"]!.GetValue<int>());
        Assert.Equal("2026-01-02T03:04:05.0000000Z", status["createdTime"]!.GetValue<string>());
        Assert.Equal("2026-01-02T03:04:06.0000000Z", status["lastUpdatedTime"]!.GetValue<string>());
    }

    [Fact]
    public void Build_Failed_OutputAndCustomStatusCarryTheErrorObject()
    {
        var state = State(InstanceStatus.Failed, ("a", NodeStatus.Failed)) with { Error = new WorkflowError("Boom", "it broke") };

        var status = StatusBuilder.Build(state, null);

        Assert.Equal("Boom", status["output"]!["type"]!.GetValue<string>());
        Assert.Equal("it broke", status["customStatus"]!["error"]!["message"]!.GetValue<string>());
        Assert.Equal(["a"], status["customStatus"]!["failed"]!.AsArray().Select(p => p!.GetValue<string>()));
    }

    [Fact]
    public void BuildCustomStatus_CountsNodesNotIterationsAndPendingFromPlan()
    {
        var plan = Plan("""{"name":"w","nodes":{"a":{"type":"set","value":1},"b":{"type":"set","value":2},"c":{"type":"set","value":3}}}""");
        var state = State(InstanceStatus.Running, ("a", NodeStatus.Running), ("each[0]", NodeStatus.Running), ("each[0].x", NodeStatus.Succeeded), ("each[1].x", NodeStatus.Skipped));

        var custom = StatusBuilder.BuildCustomStatus(state, plan);
        var counts = custom["counts"]!;

        Assert.Equal(1, counts["running"]!.GetValue<int>());
        Assert.Equal(1, counts["succeeded"]!.GetValue<int>());
        Assert.Equal(1, counts["skipped"]!.GetValue<int>());
        Assert.Equal(2, counts["pending"]!.GetValue<int>());
        Assert.Equal(["a"], custom["running"]!.AsArray().Select(p => p!.GetValue<string>()));
    }

    [Fact]
    public void BuildCustomStatus_ManyNodesAndHugeError_StaysUnder16KbAndListsAtMost20()
    {
        var nodes = Enumerable.Range(0, 500).Select(i => ($"n{i:D3}" + new string('p', 200), NodeStatus.Failed)).ToArray();
        var details = JsonSerializer.SerializeToElement(Enumerable.Range(0, 2000).Select(i => new { index = i, error = "failed item " + i }));
        var state = State(InstanceStatus.Failed, nodes) with { Error = new WorkflowError("ItemsFailed", new string('m', 40_000), details) };

        var custom = StatusBuilder.BuildCustomStatus(state, null);

        Assert.True(Encoding.UTF8.GetByteCount(custom.ToJsonString()) < StatusBuilder.MaxCustomStatusBytes);
        Assert.Equal(20, custom["failed"]!.AsArray().Count);
        Assert.Equal(500, custom["counts"]!["failed"]!.GetValue<int>());
        Assert.Equal("ItemsFailed", custom["error"]!["type"]!.GetValue<string>());
        Assert.Null(custom["error"]!["details"]);
    }
}
