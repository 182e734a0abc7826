using System.Text.Json;
using Serverless.Engine.Decisions;
using Serverless.Engine.Testing;
using Serverless.Engine.Tests.Infrastructure;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Decisions;

/// <summary>Retries end to end: retrier choice and counters, delays on durable timers, jitter, Retry-After, matchers, defaults.</summary>
public sealed class DeciderRetryBehaviourTests
{
    private static string ActivityWorkflow(string retry, string defaults = "") => $$"""
        {
          "name": "wf",{{defaults}}
          "nodes": { "work": { "type": "activity", "activity": "work"{{retry}} } }
        }
        """;

    /// <summary>A handler that returns the given results in order, then keeps returning the last.</summary>
    private static Func<ActivityCall, ActivityResult> Sequence(Calls calls, params ActivityResult[] results)
        => calls.Record(_ => results[Math.Min(calls.All.Count - 1, results.Length - 1)]);

    private static List<DateTimeOffset> TimerDueTimes(EngineTestHost host, string id)
        => [.. host.CommandsOf<StartTimer>(id).Select(t => t.DueAt)];

    [Fact]
    public void Retry_FirstMatchingRetrierHandlesError_EachWithItsOwnCounter()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", Sequence(calls, Err("Timeout", "t1"), Err("ActivityError", "a1"), Err("ActivityError", "a2"), Err("Timeout", "t2"), Ok("1")));
        var id = host.Run(ActivityWorkflow("""
            , "retry": [
                { "errors": ["Timeout"], "maxAttempts": 2, "interval": "PT1S", "jitter": "none" },
                { "errors": ["ALL"], "maxAttempts": 3, "interval": "PT10S", "backoff": 2, "jitter": "none" }
              ]
            """));

        Assert.Equal(4, calls.All.Count);
        Assert.Equal([$"{id}:work:0:1", $"{id}:work:0:2", $"{id}:work:0:3", $"{id}:work:0:4"], calls.All.Select(c => c.Key));
        Assert.Equal([At(1), At(11), At(31)], TimerDueTimes(host, id));
        var error = host.AssertFailed(id, "Timeout");
        Assert.Equal("t2", error.Message);
        Assert.Equal(At(31), host.State(id).CompletedAt);
        Assert.Equal([1, 2], host.Node(id, "work").Retries.ToArray());
        Assert.Equal(4, host.Node(id, "work").Attempt);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Retry_AlwaysFailing_RunsMaxAttemptsThenFailsWithLastError(int maxAttempts)
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(_ => Err("ActivityError", $"attempt {calls.All.Count}")));
        var id = host.Run(ActivityWorkflow($$""", "retry": { "maxAttempts": {{maxAttempts}}, "interval": "PT1S", "jitter": "none" }"""));

        Assert.Equal(maxAttempts, calls.All.Count);
        Assert.Equal($"attempt {maxAttempts}", host.AssertFailed(id, "ActivityError").Message);
        Assert.Equal(maxAttempts - 1, host.CommandsOf<StartTimer>(id).Count);
    }

    [Fact]
    public void Retry_SucceedsOnRetry_OutputOfSuccessfulAttemptAndErrorCleared()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", Sequence(calls, Err("NetworkError"), Ok("\"second\"")));
        var id = host.Run(ActivityWorkflow(""", "retry": { "interval": "PT5S", "jitter": "none" }"""));

        host.AssertCompleted(id, """{"work": "second"}""");
        Assert.Null(host.Node(id, "work").Error);
        Assert.Equal(At(5), host.State(id).CompletedAt);
    }

    [Fact]
    public void Retry_WhileWaitingForRetryTimer_NodeIsRunningWithTheError()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", Sequence(calls, Err("NetworkError", "down"), Ok("1")));
        var id = host.Run(ActivityWorkflow(""", "retry": { "interval": "PT1M", "jitter": "none" }"""), run: false);

        host.Advance(TimeSpan.FromSeconds(30));

        var work = host.Node(id, "work");
        Assert.Equal(NodeStatus.Running, work.Status);
        Assert.True(work.Backoff);
        Assert.Equal("down", work.Error!.Message);
        Assert.Equal(TimerPurpose.Retry, host.State(id).Timers[work.TimerId!].Purpose);
    }

    [Theory]
    [InlineData("PT1S", 2.0, "PT5S", new double[] { 1, 3, 7, 12, 17 })]
    [InlineData("PT2S", 1.5, "PT1H", new double[] { 2, 5, 9.5, 16.25, 26.375 })]
    [InlineData("PT10S", 1.0, "PT1H", new double[] { 10, 20, 30, 40, 50 })]
    [InlineData("PT1S", 10.0, "PT30S", new double[] { 1, 11, 41, 71, 101 })]
    public void Retry_BackoffCappedByMaxInterval_NoJitter_ExactTimerDueTimes(string interval, double backoff, string maxInterval, double[] dueSeconds)
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(_ => Err("ActivityError")));
        var id = host.Run(ActivityWorkflow($$"""
            , "retry": { "maxAttempts": 6, "interval": "{{interval}}", "backoff": {{backoff.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "maxInterval": "{{maxInterval}}", "jitter": "none" }
            """));

        Assert.Equal(dueSeconds.Select(At), TimerDueTimes(host, id));
        Assert.Equal(At(dueSeconds[^1]), host.State(id).CompletedAt);
        Assert.Equal(6, calls.All.Count);
    }

    [Fact]
    public void Retry_FullJitter_DelaysWithinBoundsAndDeterministicAcrossHosts()
    {
        const string Definition = """
            {
              "name": "wf",
              "nodes": { "work": { "type": "activity", "activity": "work", "retry": { "maxAttempts": 5, "interval": "PT10S", "backoff": 2, "maxInterval": "PT30S" } } }
            }
            """;

        List<TimeSpan> Delays(string instanceId)
        {
            var host = Host();
            host.Handle("work", _ => Err("ActivityError"));
            var id = host.Run(Definition, instanceId: instanceId);
            host.AssertFailed(id, "ActivityError");
            var attempts = host.History(id).Where(h => h.Event is NodeFailed).Select(h => h.At).ToList();
            var timers = host.CommandsOf<StartTimer>(id);
            Assert.Equal(4, timers.Count);
            return [.. timers.Select((t, i) => t.DueAt - attempts[i])];
        }

        var first = Delays("same-id");
        var second = Delays("same-id");
        var other = Delays("other-id");

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        var caps = new[] { 10, 20, 30, 30 };
        for (var i = 0; i < caps.Length; i++)
        {
            Assert.InRange(first[i], TimeSpan.Zero, TimeSpan.FromSeconds(caps[i]));
            Assert.InRange(other[i], TimeSpan.Zero, TimeSpan.FromSeconds(caps[i]));
        }

        Assert.Contains(first.Zip(caps), p => p.First < TimeSpan.FromSeconds(p.Second));
    }

    [Fact]
    public void Retry_JitterSeed_IncludesAttemptSoDelaysVary()
    {
        var host = Host();
        host.Handle("work", _ => Err("ActivityError"));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": { "work": { "type": "activity", "activity": "work", "retry": { "maxAttempts": 4, "interval": "PT100S", "backoff": 1 } } }
            }
            """);

        var attempts = host.History(id).Where(h => h.Event is NodeFailed).Select(h => h.At).ToList();
        var delays = host.CommandsOf<StartTimer>(id).Select((t, i) => t.DueAt - attempts[i]).ToList();
        Assert.Equal(3, delays.Distinct().Count());
    }

    [Theory]
    [InlineData(30, "PT1S", 30)]
    [InlineData(1, "PT10S", 10)]
    [InlineData(60, "PT1S", 60)]
    public void Retry_RetryAfterHint_IsAFloorForTheDelay(int retryAfterSeconds, string interval, int expectedDelaySeconds)
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", Sequence(calls, Err("HttpError", "busy", """{"status": 503}""", retryAfter: TimeSpan.FromSeconds(retryAfterSeconds)), Ok("1")));
        var id = host.Run(ActivityWorkflow($$""", "retry": { "interval": "{{interval}}", "maxInterval": "PT1M", "jitter": "none" }"""));

        Assert.Equal(At(expectedDelaySeconds), Assert.Single(host.CommandsOf<StartTimer>(id)).DueAt);
        host.AssertCompleted(id, """{"work": 1}""");
    }

    [Fact]
    public void Retry_RetryAfterHintWithFullJitter_StillAFloor()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", Sequence(calls, Err("HttpError", "busy", """{"status": 429}""", retryAfter: TimeSpan.FromSeconds(45)), Ok("1")));
        var id = host.Run(ActivityWorkflow(""", "retry": { "interval": "PT1S" }"""));

        Assert.Equal(At(45), Assert.Single(host.CommandsOf<StartTimer>(id)).DueAt);
    }

    [Fact]
    public void Retry_RetryAfterBeyondMaxInterval_FailsKeepingDetailsRetryAfter()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", Sequence(calls, Err("HttpError", "slow down", """{"status": 429, "body": "x"}""", retryAfter: TimeSpan.FromMinutes(2)), Ok("1")));
        var id = host.Run(ActivityWorkflow(""", "retry": { "maxAttempts": 5, "interval": "PT1S", "maxInterval": "PT1M", "jitter": "none" }"""));

        Assert.Single(calls.All);
        var error = host.AssertFailed(id, "HttpError");
        Assert.Equal(429, error.Details!.Value.GetProperty("status").GetInt32());
        Assert.Equal("x", error.Details!.Value.GetProperty("body").GetString());
        Assert.Equal(120, error.Details!.Value.GetProperty("retryAfter").GetInt32());
        Assert.Contains("slow down", error.Message, StringComparison.Ordinal);
        Assert.Empty(host.CommandsOf<StartTimer>(id));
    }

    public static TheoryData<string, int?, bool> AllMatcherCases => new()
    {
        // error type, http status, retried by "ALL"
        { "Timeout", null, true },
        { "NetworkError", null, true },
        { "CircuitOpen", null, true },
        { "ActivityError", null, true },
        { "WorkflowNotFound", null, true },
        { "MyCustomError", null, true },
        { "HttpError", 500, true },
        { "HttpError", 503, true },
        { "HttpError", 408, true },
        { "HttpError", 429, true },
        { "HttpError", 302, true },
        { "HttpError", 400, false },
        { "HttpError", 401, false },
        { "HttpError", 404, false },
        { "HttpError", 409, false },
        { "HttpError", 499, false },
        { "ExpressionError", null, false },
        { "ValidationError", null, false },
        { "Terminated", null, false },
        { "OutputTooLarge", null, false },
    };

    [Theory]
    [MemberData(nameof(AllMatcherCases))]
    public void Retry_AllMatcher_RetriesEverythingButTheExcludedErrors(string type, int? status, bool retried)
    {
        var host = Host();
        var calls = new Calls();
        var details = status is { } s ? $$"""{"status": {{s}}}""" : null;
        host.Handle("call", calls.Record(_ => Err(type, "x", details)));
        host.Register("""
            {
              "name": "wf",
              "nodes": {
                "call": {
                  "type": "http",
                  "request": { "method": "GET", "url": "https://example.com/" },
                  "retry": { "errors": ["ALL"], "maxAttempts": 2, "interval": "PT1S", "jitter": "none" }
                }
              }
            }
            """);
        var id = host.Start("wf", EmptyInput);

        Assert.Equal(retried ? 2 : 1, calls.All.Count);
        host.AssertFailed(id, type);
    }

    [Theory]
    [InlineData("HttpError:5xx", 500, true)]
    [InlineData("HttpError:5xx", 599, true)]
    [InlineData("HttpError:5xx", 404, false)]
    [InlineData("HttpError:4xx", 404, true)]
    [InlineData("HttpError:4xx", 400, true)]
    [InlineData("HttpError:4xx", 503, false)]
    [InlineData("HttpError:503", 503, true)]
    [InlineData("HttpError:503", 502, false)]
    [InlineData("HttpError:429", 429, true)]
    [InlineData("HttpError", 404, true)]
    [InlineData("Timeout", 503, false)]
    public void Retry_HttpStatusMatchers_MatchByStatus(string matcher, int status, bool retried)
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(_ => Err("HttpError", "x", $$"""{"status": {{status}}}""")));
        var id = host.Run(ActivityWorkflow($$""", "retry": { "errors": ["{{matcher}}"], "maxAttempts": 3, "interval": "PT1S", "jitter": "none" }"""));

        Assert.Equal(retried ? 3 : 1, calls.All.Count);
        host.AssertFailed(id, "HttpError");
    }

    [Fact]
    public void Retry_ErrorTypeMatcher_MatchesTypeExactly()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(_ => Err("timeout")));
        var id = host.Run(ActivityWorkflow(""", "retry": { "errors": ["Timeout"], "maxAttempts": 3, "interval": "PT1S", "jitter": "none" }"""));

        Assert.Single(calls.All);
        host.AssertFailed(id, "timeout");
    }

    [Fact]
    public void Retry_NoRetryAnywhere_RunsOnce()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(_ => Err("Timeout")));
        var id = host.Run(ActivityWorkflow(""));

        Assert.Single(calls.All);
        host.AssertFailed(id, "Timeout");
        Assert.Empty(host.CommandsOf<StartTimer>(id));
    }

    [Theory]
    [InlineData("", 4)]
    [InlineData(""", "retry": { "maxAttempts": 2, "interval": "PT1S", "jitter": "none" }""", 2)]
    [InlineData(""", "retry": { "maxAttempts": 1 }""", 1)]
    [InlineData(""", "retry": []""", 1)]
    [InlineData(""", "retry": { "errors": ["Timeout"], "interval": "PT1S", "jitter": "none" }""", 1)]
    public void Retry_DefaultsRetry_AppliedUnlessNodeHasItsOwn(string nodeRetry, int expectedCalls)
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(_ => Err("ActivityError")));
        var id = host.Run(ActivityWorkflow(nodeRetry, defaults: """
             "defaults": { "retry": { "maxAttempts": 4, "interval": "PT1S", "jitter": "none" } },
            """));

        Assert.Equal(expectedCalls, calls.All.Count);
        host.AssertFailed(id, "ActivityError");
    }

    [Fact]
    public void Retry_DefaultsRetry_AppliesToHttpNodes()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("call", calls.Record(_ => Err("HttpError", "x", """{"status": 500}""")));
        var id = host.Run("""
            {
              "name": "wf",
              "defaults": { "retry": { "maxAttempts": 3, "interval": "PT1S", "jitter": "none" } },
              "nodes": { "call": { "type": "http", "request": { "method": "POST", "url": "https://example.com/", "body": { "a": 1 } } } }
            }
            """);

        Assert.Equal(3, calls.All.Count);
        AssertJson("""{"method": "POST", "url": "https://example.com/", "body": {"a": 1}}""", calls.All[0].Input);
        host.AssertFailed(id, "HttpError");
    }

    [Fact]
    public void Retry_DefaultsRetry_NotAppliedToWorkflowNodes()
    {
        var host = Host();
        host.Register("""{ "name": "child", "nodes": { "stop": { "type": "fail", "error": "ChildBroke" } } }""");
        var id = host.Run("""
            {
              "name": "wf",
              "defaults": { "retry": { "maxAttempts": 3, "interval": "PT1S", "jitter": "none" } },
              "nodes": { "call": { "type": "workflow", "workflow": "child" } }
            }
            """);

        Assert.Single(host.CommandsOf<StartChild>(id));
        host.AssertFailed(id, "ChildBroke");
    }

    [Fact]
    public void Retry_WorkflowNodeWithRetry_StartsNewChildPerAttempt()
    {
        var host = Host();
        host.Register("""{ "name": "child", "nodes": { "stop": { "type": "fail", "error": "ChildBroke" } } }""");
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": { "call": { "type": "workflow", "workflow": "child", "retry": { "maxAttempts": 3, "interval": "PT1S", "jitter": "none" } } }
            }
            """);

        Assert.Equal([$"{id}:call:0:1", $"{id}:call:0:2", $"{id}:call:0:3"], host.CommandsOf<StartChild>(id).Select(c => c.ChildInstanceId));
        Assert.All(host.CommandsOf<StartChild>(id).Skip(1), c => Assert.Equal(1, c.Version));
        host.AssertFailed(id, "ChildBroke");
    }

    [Fact]
    public void Retry_RetrierOrder_FirstMatchWinsEvenIfLaterIsMoreSpecific()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(_ => Err("HttpError", "x", """{"status": 503}""")));
        var id = host.Run(ActivityWorkflow("""
            , "retry": [
                { "errors": ["HttpError:5xx"], "maxAttempts": 2, "interval": "PT1S", "jitter": "none" },
                { "errors": ["HttpError:503"], "maxAttempts": 5, "interval": "PT1S", "jitter": "none" }
              ]
            """));

        Assert.Equal(2, calls.All.Count);
        Assert.Equal([1, 0], host.Node(id, "work").Retries.ToArray());
        host.AssertFailed(id, "HttpError");
    }

    [Fact]
    public void Retry_NodeInForeachItem_KeysCarryItemPathAndAttempt()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(c => calls.All.Count(x => x.Path == c.Path) == 1 ? Err("ActivityError") : Ok("1")));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "each": {
                  "type": "foreach",
                  "items": "${{ [0, 1] }}",
                  "body": { "nodes": { "work": { "type": "activity", "activity": "work", "retry": { "interval": "PT1S", "jitter": "none" } } } }
                }
              }
            }
            """);

        Assert.Equal(
            [$"{id}:each[0].work:0:1", $"{id}:each[0].work:0:2", $"{id}:each[1].work:0:1", $"{id}:each[1].work:0:2"],
            calls.All.Select(c => c.Key).Order(StringComparer.Ordinal));
        host.AssertCompleted(id, """{"each": [{"work": 1}, {"work": 1}]}""");
    }

    [Fact]
    public void Retry_ErrorDetails_PassThroughToFinalError()
    {
        var host = Host();
        host.Handle("work", _ => Err("ActivityError", "x", """{"code": 7}"""));
        var id = host.Run(ActivityWorkflow(""));

        var error = host.AssertFailed(id, "ActivityError");
        Assert.Equal(JsonValueKind.Object, error.Details!.Value.ValueKind);
        Assert.Equal(7, error.Details!.Value.GetProperty("code").GetInt32());
    }
}
