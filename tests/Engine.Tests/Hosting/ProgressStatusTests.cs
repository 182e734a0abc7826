using System.Collections.Immutable;
using System.Text.Json;
using Serverless.Engine.Decisions;
using Serverless.Engine.Hosting;
using static Serverless.Engine.Tests.Hosting.HostingFixtures;

namespace Serverless.Engine.Tests.Hosting;

public sealed class ProgressStatusTests
{
    private static InstanceState State(params (string Path, NodeStatus Status)[] nodes) => new()
    {
        InstanceId = "order-1",
        Workflow = "order",
        Version = 3,
        Status = InstanceStatus.Running,
        Nodes = nodes.ToImmutableSortedDictionary(n => n.Path, n => new NodeState { NodeId = n.Path, Status = n.Status }, StringComparer.Ordinal),
    };

    [Fact]
    public void From_MixedNodes_CountsEachStatusAndListsRunningAndFailed()
    {
        var state = State(("a", NodeStatus.Succeeded), ("b", NodeStatus.Running), ("c", NodeStatus.Failed), ("d", NodeStatus.Skipped)) with
        {
            Error = new WorkflowError("HttpError", "502"),
        };

        var status = ProgressStatus.From(Plan(Snapshot), state);
        var json = JsonSerializer.Serialize(status);

        Assert.Equal(new ProgressCounts(1, 1, 1, 0, 1, 0), status.Counts);
        Assert.Equal(new[] { "b" }, status.Running.ToArray());
        Assert.Equal(new[] { "c" }, status.Failed.ToArray());
        Assert.Contains("\"workflow\":\"order\",\"version\":3", json, StringComparison.Ordinal);
        Assert.Contains("\"error\":{\"type\":\"HttpError\",\"message\":\"502\"}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void From_HugeInstance_StaysUnder16KilobytesOfUtf16()
    {
        var longPath = new string('x', 5000);
        var nodes = Enumerable.Range(0, 5000)
            .Select(i => ($"{longPath}[{i}]", i % 2 == 0 ? NodeStatus.Running : NodeStatus.Failed))
            .ToArray();
        var state = State(nodes) with { Error = new WorkflowError(new string('T', 4000), new string('é', 100_000)) };

        var json = JsonSerializer.Serialize(ProgressStatus.From(Plan(Snapshot), state));

        Assert.True(json.Length * sizeof(char) < 16 * 1024, $"custom status is {json.Length} characters");
        Assert.Contains("\"running\":2500", json, StringComparison.Ordinal);
    }
}
