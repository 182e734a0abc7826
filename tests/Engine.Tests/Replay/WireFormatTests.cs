using System.Text.Json;
using Serverless.Engine.Decisions;
using Serverless.Engine.Replay;
using static Serverless.Engine.Tests.Infrastructure.ReplayFixtures;

namespace Serverless.Engine.Tests.Replay;

/// <summary>What crosses Durable Functions' serializer (System.Text.Json) must come back the same.</summary>
public sealed class WireFormatTests
{
    public static TheoryData<string> Options => ["default", "web"];

    private static JsonSerializerOptions Pick(string name) => name == "web" ? JsonSerializerOptions.Web : JsonSerializerOptions.Default;

    [Theory]
    [MemberData(nameof(Options))]
    public void NodeActivityRequest_RoundTrips(string options)
    {
        var request = new NodeActivityRequest("order-1", "order", 3, new RunNode("order-1/each[2]/call/1/0", "each[2]/call", "call", Json("{\"x\":[1]}"), TimeSpan.FromSeconds(30)));

        var back = JsonSerializer.Deserialize<NodeActivityRequest>(JsonSerializer.Serialize(request, Pick(options)), Pick(options))!;

        Assert.Equal((request.InstanceId, request.Workflow, request.Version), (back.InstanceId, back.Workflow, back.Version));
        Assert.Equal(
            (request.Command.Key, request.Command.Path, request.Command.NodeId, request.Command.Timeout, "{\"x\":[1]}"),
            (back.Command.Key, back.Command.Path, back.Command.NodeId, back.Command.Timeout, back.Command.Input.GetRawText()));
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void OrchestrationInput_WithContinuation_RoundTrips(string options)
    {
        var state = Decider.Create(Plan(Snapshot), "order-1", Json("{}"), Start);
        var input = Input with
        {
            Continuation = new Continuation(
                Convert.ToBase64String(StateSerializer.Serialize(state)),
                12,
                [new ArmedTimer("t1", Start.AddDays(1))],
                ["approve"],
                [System.Text.Encoding.UTF8.GetString(StateSerializer.Serialize(Run("a#1")))],
                2),
        };

        var json = JsonSerializer.Serialize(input, Pick(options));
        var back = JsonSerializer.Deserialize<OrchestrationInput>(json, Pick(options))!;

        Assert.Equal(("order", 3, "{\"id\":7}"), (back.Workflow, back.Version, back.Input.GetRawText()));
        var c = back.Continuation!;
        Assert.Equal((12L, 2, false), (c.Sequence, c.Generation, c.Rerun));
        Assert.Equal(new ArmedTimer("t1", Start.AddDays(1)), Assert.Single(c.Timers));
        Assert.Equal("approve", Assert.Single(c.Waits));
        Assert.IsType<RunNode>(StateSerializer.DeserializeCommand(System.Text.Encoding.UTF8.GetBytes(Assert.Single(c.Pending))));
        Assert.Equal("order-1", c.ReadState().InstanceId);
        Assert.True(StartRequests.IsSameStart(JsonSerializer.Serialize(Input, Pick(options)), "order", 3, Json("{\"id\":7}")));
    }

    [Fact]
    public void OrchestrationInput_WithoutContinuation_IsExactlyWorkflowVersionInput()
    {
        Assert.Equal("{\"workflow\":\"order\",\"version\":3,\"input\":{\"id\":7}}", JsonSerializer.Serialize(Input, JsonSerializerOptions.Web));
    }
}
