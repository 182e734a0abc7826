using System.Text.Json;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Tests.Decisions;

public sealed class RetryTests
{
    private static WorkflowError Http(int status) => new(ErrorTypes.HttpError, "x", JsonDocument.Parse($$"""{"status":{{status}}}""").RootElement.Clone());

    public static TheoryData<string, string, int?, bool> MatchCases => new()
    {
        { "ALL", ErrorTypes.Timeout, null, true },
        { "ALL", ErrorTypes.NetworkError, null, true },
        { "ALL", ErrorTypes.CircuitOpen, null, true },
        { "ALL", ErrorTypes.ActivityError, null, true },
        { "ALL", "MyOwnError", null, true },
        { "ALL", ErrorTypes.ExpressionError, null, false },
        { "ALL", ErrorTypes.ValidationError, null, false },
        { "ALL", ErrorTypes.Terminated, null, false },
        { "ALL", ErrorTypes.OutputTooLarge, null, false },
        { "ALL", ErrorTypes.HttpError, 500, true },
        { "ALL", ErrorTypes.HttpError, 503, true },
        { "ALL", ErrorTypes.HttpError, 408, true },
        { "ALL", ErrorTypes.HttpError, 429, true },
        { "ALL", ErrorTypes.HttpError, 400, false },
        { "ALL", ErrorTypes.HttpError, 404, false },
        { "HttpError:5xx", ErrorTypes.HttpError, 502, true },
        { "HttpError:5xx", ErrorTypes.HttpError, 429, false },
        { "HttpError:4xx", ErrorTypes.HttpError, 404, true },
        { "HttpError:4xx", ErrorTypes.HttpError, 500, false },
        { "HttpError:429", ErrorTypes.HttpError, 429, true },
        { "HttpError:429", ErrorTypes.HttpError, 430, false },
        { "HttpError:5xx", ErrorTypes.Timeout, null, false },
        { "Timeout", ErrorTypes.Timeout, null, true },
        { "Timeout", ErrorTypes.NetworkError, null, false },
        { "HttpError", ErrorTypes.HttpError, 404, true },
    };

    [Theory]
    [MemberData(nameof(MatchCases))]
    public void Matches_ErrorsEntry_FollowsTheFormat(string matcher, string type, int? status, bool expected)
    {
        var error = status is { } s ? Http(s) : new WorkflowError(type, "x");
        Assert.Equal(expected, Retry.Matches(matcher, error));
    }

    [Fact]
    public void FindRetrier_SeveralMatch_TakesTheFirst()
    {
        var first = RetryPolicy.Default with { Errors = ["HttpError:5xx"] };
        var second = RetryPolicy.Default with { Errors = ["ALL"] };
        Assert.Equal(0, Retry.FindRetrier([first, second], Http(503)));
        Assert.Equal(1, Retry.FindRetrier([first, second], new WorkflowError(ErrorTypes.Timeout, "t")));
        Assert.Equal(-1, Retry.FindRetrier([first], new WorkflowError(ErrorTypes.Timeout, "t")));
    }

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 2000)]
    [InlineData(3, 4000)]
    [InlineData(4, 8000)]
    [InlineData(5, 10000)]
    [InlineData(30, 10000)]
    public void Delay_NoJitter_IsIntervalTimesBackoffCappedByMaxInterval(int retry, int expectedMs)
    {
        var policy = RetryPolicy.Default with { Jitter = JitterKind.None, MaxInterval = TimeSpan.FromSeconds(10) };
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Retry.Delay(policy, retry, "key"));
    }

    [Fact]
    public void Delay_FullJitter_IsWithinBoundsDeterministicAndSpread()
    {
        var policy = RetryPolicy.Default with { Interval = TimeSpan.FromSeconds(8), Backoff = 1 };
        var delays = Enumerable.Range(0, 1000).Select(i => Retry.Delay(policy, 1, $"inst:node:0:{i}")).ToList();
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromSeconds(8)));
        Assert.Equal(delays, Enumerable.Range(0, 1000).Select(i => Retry.Delay(policy, 1, $"inst:node:0:{i}")));
        var mean = delays.Average(d => d.TotalSeconds);
        Assert.InRange(mean, 3.5, 4.5);
        Assert.True(delays.Distinct().Count() > 900);
    }

    [Fact]
    public void UnitInterval_KnownKey_IsStableAcrossProcesses()
    {
        // A fixed value: if this changes, every in-flight instance would draw different delays on replay.
        Assert.Equal(Retry.UnitInterval("order-1:charge:0:1"), Retry.UnitInterval("order-1:charge:0:1"));
        Assert.Equal(0.2725, Math.Round(Retry.UnitInterval("order-1:charge:0:1"), 4));
    }
}
