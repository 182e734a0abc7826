using Serverless.Engine.Replay;

namespace Serverless.Engine.Tests.Replay;

public sealed class FailureTextTests
{
    [Theory]
    [InlineData("Timeout: attempt ran past PT5S", "Timeout", "attempt ran past PT5S")]
    [InlineData("HttpError: 503: upstream down", "HttpError", "503: upstream down")]
    [InlineData("Something broke: badly", "ActivityError", "Something broke: badly")]
    [InlineData("no type here", "ActivityError", "no type here")]
    public void Parse_FailureText_SplitsTypeAndMessage(string text, string type, string message)
    {
        var error = FailureText.Parse(text);

        Assert.Equal((type, message), (error.Type, error.Message));
    }

    [Fact]
    public void WorkflowFailedException_Error_RoundTripsThroughItsMessage()
    {
        var error = new WorkflowError("ItemsFailed", "3 of 10 items failed");

        var parsed = FailureText.Parse(new WorkflowFailedException(error).Message);

        Assert.Equal(error with { Details = null }, parsed);
    }
}
