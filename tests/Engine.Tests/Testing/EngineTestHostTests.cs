using Serverless.Engine.Decisions;
using Serverless.Engine.Testing;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Testing;

/// <summary>The in-memory reference host: registry, handlers, virtual time, children and records.</summary>
public sealed class EngineTestHostTests
{
    private const string Single = """{ "name": "wf", "nodes": { "a": { "type": "activity", "activity": "work" } } }""";

    [Fact]
    public void Register_SameName_ReturnsIncreasingVersions()
    {
        var host = Host();

        Assert.Equal(1, host.Register(Single));
        Assert.Equal(2, host.Register(Single.Replace("work", "other", StringComparison.Ordinal)));
    }

    [Fact]
    public void Register_InvalidDefinition_ThrowsNamingWhereAndWhat()
    {
        var host = Host();

        var ex = Assert.Throws<ArgumentException>(() => host.Register("""{ "name": "wf", "nodes": { "a": { "type": "set", "value": 1, "runAfter": ["missing"] } } }"""));

        Assert.Contains("/nodes/a/runAfter", ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_UnknownWorkflow_Throws()
    {
        var host = Host();

        Assert.Throws<ArgumentException>(() => host.Start("nope", EmptyInput));
    }

    [Fact]
    public void Start_GeneratedIds_StartWithWorkflowNameAndAreUnique()
    {
        var host = Host();
        host.Handle("work", _ => Ok("1"));
        host.Register(Single);

        var first = host.Start("wf", EmptyInput);
        var second = host.Start("wf", EmptyInput);

        Assert.StartsWith("wf-", first, StringComparison.Ordinal);
        Assert.StartsWith("wf-", second, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.Equal([first, second], host.InstanceIds);
    }

    [Fact]
    public void Start_ExistingInstanceId_Throws()
    {
        var host = Host();
        host.Handle("work", _ => Ok("1"));
        host.Register(Single);
        host.Start("wf", EmptyInput, instanceId: "fixed");

        Assert.Throws<ArgumentException>(() => host.Start("wf", EmptyInput, instanceId: "fixed"));
    }

    [Fact]
    public void Start_SpecificVersion_PinsInstanceToIt()
    {
        var host = Host();
        host.Register("""{ "name": "wf", "nodes": { "a": { "type": "set", "value": 1 } } }""");
        host.Register("""{ "name": "wf", "nodes": { "a": { "type": "set", "value": 2 } } }""");

        var v1 = host.Start("wf", EmptyInput, version: 1);
        var latest = host.Start("wf", EmptyInput);

        host.AssertCompleted(v1, """{"a": 1}""");
        host.AssertCompleted(latest, """{"a": 2}""");
        Assert.Equal(1, host.State(v1).Version);
        Assert.Equal(2, host.Plan(latest).Version);
    }

    [Fact]
    public void Handle_NoHandler_NodeFailsWithActivityError()
    {
        var host = Host();
        var id = host.Run(Single);

        var error = host.AssertFailed(id, ErrorTypes.ActivityError);
        Assert.Contains("work", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Handle_ActivityByNameAndHttpByNodeId_CalledWithEvaluatedInput()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(c => ActivityResult.Success(c.Input)));
        host.Handle("fetch", calls.Record(_ => Ok("""{"status": 200, "headers": {}, "body": "hi"}""")));
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "activity", "activity": "work", "input": "${{ input.x }}" },
                "b": { "type": "activity", "activity": "work", "input": "${{ input.x + 1 }}" },
                "fetch": { "type": "http", "request": { "method": "GET", "url": "https://example.com/${{ input.x }}" } }
              }
            }
            """, input: """{"x": 1}""", instanceId: "inst");

        Assert.Equal(["a", "b", "fetch"], calls.All.Select(c => c.NodeId));
        Assert.All(calls.All, c => Assert.Equal("inst", c.InstanceId));
        AssertJson("""{"method": "GET", "url": "https://example.com/1"}""", calls.All[2].Input);
        host.AssertCompleted(id, """{"a": 1, "b": 2, "fetch": {"status": 200, "headers": {}, "body": "hi"}}""");
    }

    [Fact]
    public void Advance_StopsAtLimitAndLeavesLaterWorkQueued()
    {
        var host = Host();
        host.Handle("work", _ => Ok("1", seconds: 100));
        var id = host.Run(Single, run: false);

        host.Advance(TimeSpan.FromSeconds(99));

        Assert.Equal(At(99), host.Now);
        Assert.Equal(InstanceStatus.Running, host.State(id).Status);
        host.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(At(100), host.Now);
        host.AssertCompleted(id, """{"a": 1}""");
    }

    [Fact]
    public void RunUntilIdle_NothingQueued_ClockStays()
    {
        var host = new EngineTestHost(At(5));

        host.RunUntilIdle();

        Assert.Equal(At(5), host.Now);
        Assert.Empty(host.InstanceIds);
    }

    [Fact]
    public void RunUntilIdle_JumpsClockToEachDueEvent()
    {
        var host = Host();
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "a": { "type": "wait", "duration": "P1D" },
                "b": { "type": "wait", "duration": "PT1H", "runAfter": ["a"] }
              }
            }
            """);

        Assert.Equal(T0.AddDays(1).AddHours(1), host.Now);
        Assert.Equal([T0, T0.AddDays(1), T0.AddDays(1).AddHours(1)], host.History(id).Select(h => h.At));
        Assert.Equal(3, host.DecisionCount);
        Assert.IsType<InstanceStarted>(host.History(id)[0].Event);
    }

    [Fact]
    public void Commands_RecordsEveryCommandInOrder()
    {
        var host = Host();
        host.Handle("work", _ => Ok("1", seconds: 1));
        var id = host.Run("""{ "name": "wf", "timeout": "PT1M", "nodes": { "a": { "type": "activity", "activity": "work" } } }""", instanceId: "i");

        Assert.Collection(
            host.Commands(id),
            c => Assert.Equal(new StartTimer("t1", At(60)), c),
            c => Assert.Equal("i:a:0:1", Assert.IsType<RunNode>(c).Key),
            c => Assert.Equal(new CancelTimer("t1"), c),
            c => AssertJson("""{"a": 1}""", Assert.IsType<CompleteInstance>(c).Output));
    }

    [Fact]
    public void Send_AnyEvent_AppliedAtCurrentTime()
    {
        var host = Host();
        host.Handle("work", _ => ActivityResult.Hang());
        var id = host.Run(Single, instanceId: "i");
        host.Advance(TimeSpan.FromSeconds(3));

        host.Send(id, new NodeSucceeded("manual", "i:a:0:1", Json("\"by hand\"")));
        host.RunUntilIdle();

        host.AssertCompleted(id, """{"a": "by hand"}""");
        Assert.Equal(At(3), host.State(id).CompletedAt);
    }

    [Fact]
    public void Child_CompletedOrFailed_ReportedToParent()
    {
        var host = Host();
        host.Register("""{ "name": "ok", "nodes": { "a": { "type": "set", "value": "fine" } } }""");
        host.Register("""{ "name": "bad", "nodes": { "a": { "type": "fail", "error": "Bad" } } }""");
        var id = host.Run("""
            {
              "name": "wf",
              "nodes": {
                "good": { "type": "workflow", "workflow": "ok" },
                "broken": { "type": "workflow", "workflow": "bad" },
                "after": { "type": "set", "value": "${{ [nodes.good.output, nodes.broken.error.type] }}", "runAfter": { "good": ["succeeded"], "broken": ["failed"] } }
              }
            }
            """);

        Assert.Contains(host.History(id), h => h.Event is ChildCompleted);
        Assert.Contains(host.History(id), h => h.Event is ChildFailed);
        host.AssertCompleted(id, """{"after": [{"a": "fine"}, "Bad"]}""");
    }
}
