using Serverless.Engine.Decisions;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Decisions;

/// <summary>wait: duration and until, on durable timers.</summary>
public sealed class DeciderWaitTests
{
    private static string WaitWorkflow(string fields) => $$"""
        {
          "name": "wf",
          "nodes": {
            "pause": { "type": "wait", {{fields}} },
            "after": { "type": "set", "value": "done", "runAfter": ["pause"] }
          }
        }
        """;

    [Fact]
    public void Wait_Duration_StartsTimerAndSucceedsWithNullWhenItFires()
    {
        var host = Host();
        var id = host.Run(WaitWorkflow("\"duration\": \"PT10M\""), run: false);

        host.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(NodeStatus.Running, host.StatusOf(id, "pause"));
        var timer = Assert.Single(host.CommandsOf<StartTimer>(id));
        Assert.Equal(T0.AddMinutes(10), timer.DueAt);
        Assert.Equal(new TimerState(T0.AddMinutes(10), "pause", TimerPurpose.Wait), host.State(id).Timers[timer.TimerId]);

        host.RunUntilIdle();
        var pause = host.Node(id, "pause");
        Assert.Equal(NodeStatus.Succeeded, pause.Status);
        AssertJson("null", pause.Output);
        Assert.Equal(T0.AddMinutes(10), pause.CompletedAt);
        host.AssertCompleted(id, """{"after": "done"}""");
        Assert.Empty(host.CommandsOf<CancelTimer>(id));
    }

    [Theory]
    [InlineData("2026-01-01T02:00:00Z", 120)]
    [InlineData("2026-01-01T03:00:00+01:00", 120)]
    [InlineData("2025-12-31T20:30:00-04:00", 30)]
    public void Wait_UntilInFuture_TimerDueAtThatInstant(string until, int minutes)
    {
        var host = Host();
        var id = host.Run(WaitWorkflow($"\"until\": \"{until}\""));

        Assert.Equal(T0.AddMinutes(minutes), Assert.Single(host.CommandsOf<StartTimer>(id)).DueAt);
        Assert.Equal(T0.AddMinutes(minutes), host.Node(id, "pause").CompletedAt);
        host.AssertCompleted(id, """{"after": "done"}""");
    }

    [Theory]
    [InlineData("\"2020-01-01T00:00:00Z\"")]
    [InlineData("\"2026-01-01T00:00:00Z\"")]
    [InlineData("\"${{ input.at }}\"")]
    public void Wait_UntilInPastOrNow_FiresAtOnceWithoutTimer(string until)
    {
        var plan = Plan(WaitWorkflow($"\"until\": {until}"));

        var decision = Decider.Decide(plan, Decider.Create(plan, "i1", Json("""{"at": "2025-06-01T12:00:00+02:00"}"""), T0), new InstanceStarted("e1"), T0);

        Assert.Equal(NodeStatus.Succeeded, decision.State.Nodes["pause"].Status);
        var complete = Assert.IsType<CompleteInstance>(Assert.Single(decision.Commands));
        AssertJson("""{"after": "done"}""", complete.Output);
    }

    [Fact]
    public void Wait_UntilExpression_UsesEvaluatedTimestamp()
    {
        var host = Host();
        var id = host.Run(WaitWorkflow("\"until\": \"${{ input.at }}\""), input: """{"at": "2026-01-01T00:00:42.5Z"}""");

        Assert.Equal(T0.AddSeconds(42.5), Assert.Single(host.CommandsOf<StartTimer>(id)).DueAt);
        Assert.Equal(InstanceStatus.Completed, host.State(id).Status);
    }

    [Fact]
    public void Wait_UntilFromExpressionClock_IsRelativeToVirtualNow()
    {
        var host = Host();
        host.Handle("work", _ => Ok("1", seconds: 30));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "work": { "type": "activity", "activity": "work" },
                "pause": { "type": "wait", "runAfter": ["work"], "until": "${{ new Date(Date.now() + 60000).toISOString() }}" }
              }
            }
            """);

        Assert.Equal(At(90), Assert.Single(host.CommandsOf<StartTimer>(id)).DueAt);
        Assert.Equal(At(90), host.State(id).CompletedAt);
    }

    [Theory]
    [InlineData("\"2026-01-01T10:00:00\"")]
    [InlineData("\"2026-01-02\"")]
    [InlineData("\"2026-01-01 10:00:00\"")]
    [InlineData("\"2026-01-01T10:00:00.123\"")]
    [InlineData("\"next tuesday\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void Wait_UntilWithoutOffsetOrNotTimestamp_FailsNode(string value)
    {
        var host = Host();
        var id = host.Run(WaitWorkflow("\"until\": \"${{ input.at }}\""), input: $$"""{"at": {{value}}}""");

        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "pause"));
        var error = host.AssertFailed(id, ErrorTypes.ExpressionError);
        Assert.Contains("pause", error.Message, StringComparison.Ordinal);
        Assert.Contains("offset", error.Message, StringComparison.Ordinal);
        Assert.Empty(host.CommandsOf<StartTimer>(id));
    }
}
