using System.Text.Json;
using Serverless.Engine.Replay;
using static Serverless.Engine.Tests.Infrastructure.ReplayFixtures;

namespace Serverless.Engine.Tests.Replay;

public sealed class StartRequestsTests
{
    [Theory]
    [InlineData("""{"workflow":"order","version":3,"input":{"b":[1,2],"a":1}}""", true)]
    [InlineData("""{"Workflow":"order","Version":3,"Input":{"a":1,"b":[1,2]}}""", true)]
    [InlineData("""{"workflow":"order","version":4,"input":{"a":1,"b":[1,2]}}""", false)]
    [InlineData("""{"workflow":"order","version":3,"input":{"a":2,"b":[1,2]}}""", false)]
    [InlineData("""{"workflow":"other","version":3,"input":{"a":1,"b":[1,2]}}""", false)]
    [InlineData("not json", false)]
    [InlineData(null, false)]
    public void IsSameStart_ExistingInput_ComparesWorkflowVersionAndInput(string? existing, bool same)
    {
        Assert.Equal(same, StartRequests.IsSameStart(existing, "order", 3, Json("""{"a":1,"b":[1,2]}""")));
    }

    [Fact]
    public void ReadInput_WrittenByTheDriverSerializer_RoundTrips()
    {
        var input = new OrchestrationInput("order", 3, Json("""{"id":7}"""));

        var read = StartRequests.ReadInput(JsonSerializer.Serialize(input));

        Assert.Equal(("order", 3, """{"id":7}""", null), (read!.Workflow, read.Version, read.Input.GetRawText(), read.Continuation));
    }
}
