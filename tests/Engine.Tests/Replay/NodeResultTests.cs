using System.Text.Json;
using Serverless.Engine.Execution;
using Serverless.Engine.Replay;
using static Serverless.Engine.Tests.Infrastructure.ReplayFixtures;

namespace Serverless.Engine.Tests.Replay;

public sealed class NodeResultTests
{
    [Theory]
    [InlineData("null")]
    [InlineData("{\"a\":[1,2]}")]
    [InlineData("\"text\"")]
    public void ToOutcome_AfterASerializerRoundTrip_KeepsTheOutput(string output)
    {
        var sent = NodeResult.From(NodeOutcome.Success(Json(output)));

        var received = JsonSerializer.Deserialize<NodeResult>(JsonSerializer.Serialize(sent))!.ToOutcome();

        Assert.Equal(output, Assert.IsType<NodeOutcome.Succeeded>(received).Output.GetRawText());
    }

    [Fact]
    public void ToOutcome_FailureAfterARoundTrip_KeepsErrorAndRetryAfter()
    {
        var sent = NodeResult.From(NodeOutcome.Failure(new WorkflowError(ErrorTypes.HttpError, "503", Json("{\"status\":503}")), TimeSpan.FromSeconds(4)));

        var received = JsonSerializer.Deserialize<NodeResult>(JsonSerializer.Serialize(sent, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!.ToOutcome();

        var failed = Assert.IsType<NodeOutcome.Failed>(received);
        Assert.Equal((ErrorTypes.HttpError, "503", "{\"status\":503}", TimeSpan.FromSeconds(4)),
            (failed.Error.Type, failed.Error.Message, failed.Error.Details!.Value.GetRawText(), failed.RetryAfter));
    }

    [Fact]
    public void ToOutcome_FailureWithoutError_IsAnActivityError()
    {
        var outcome = new NodeResult(false, null, null, null).ToOutcome();

        Assert.Equal(ErrorTypes.ActivityError, Assert.IsType<NodeOutcome.Failed>(outcome).Error.Type);
    }
}
