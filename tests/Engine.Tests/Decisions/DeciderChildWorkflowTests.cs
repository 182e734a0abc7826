using Serverless.Engine.Decisions;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Decisions;

/// <summary>workflow nodes: child output, WorkflowNotFound, version resolution and recording, derived child ids.</summary>
public sealed class DeciderChildWorkflowTests
{
    private const string Child = """
        {
          "name": "child",
          "nodes": { "double": { "type": "set", "value": "${{ input.n * 2 }}" } },
          "output": { "result": "${{ nodes.double.output }}", "version": "${{ instance.version }}" }
        }
        """;

    private const string Parent = """
        {
          "name": "parent",
          "nodes": {
            "call": { "type": "workflow", "workflow": "child", "input": { "n": "${{ input.n }}" } },
            "after": { "type": "set", "value": "${{ nodes.call.output.result + 1 }}", "runAfter": ["call"] }
          }
        }
        """;

    [Fact]
    public void Workflow_ChildCompletes_NodeOutputIsChildOutput()
    {
        var host = Host();
        host.Register(Child);
        var id = host.Run(Parent, input: """{"n": 21}""");

        var start = Assert.Single(host.CommandsOf<StartChild>(id));
        Assert.Equal($"{id}:call:0:1", start.ChildInstanceId);
        Assert.Equal("child", start.Workflow);
        Assert.Null(start.Version);
        Assert.Equal("call", start.Path);
        AssertJson("""{"n": 21}""", start.Input);
        host.AssertCompleted(start.ChildInstanceId, """{"result": 42, "version": 1}""");
        AssertJson("""{"result": 42, "version": 1}""", host.Node(id, "call").Output);
        Assert.Equal(1, host.Node(id, "call").ChildVersion);
        host.AssertCompleted(id, """{"after": 43}""");
    }

    [Fact]
    public void Workflow_ChildIdDerivedFromParentKey_InsideForeach()
    {
        var host = Host();
        host.Register(Child);
        var id = host.Run("""
            {
              "name": "parent",
              "nodes": {
                "each": {
                  "type": "foreach",
                  "items": "${{ [1, 2] }}",
                  "body": {
                    "nodes": { "call": { "type": "workflow", "workflow": "child", "input": { "n": "${{ item }}" } } },
                    "output": "${{ nodes.call.output.result }}"
                  }
                }
              }
            }
            """, instanceId: "parent-abc");

        Assert.Equal(["parent-abc:each[0].call:0:1", "parent-abc:each[1].call:0:1"], host.CommandsOf<StartChild>(id).Select(c => c.ChildInstanceId));
        Assert.Equal(["parent-abc", "parent-abc:each[0].call:0:1", "parent-abc:each[1].call:0:1"], host.InstanceIds);
        host.AssertCompleted(id, """{"each": [2, 4]}""");
    }

    [Fact]
    public void Workflow_NotRegistered_FailsWithWorkflowNotFound()
    {
        var host = Host();
        var id = host.Run(Parent, input: """{"n": 1}""");

        Assert.Equal(NodeStatus.Failed, host.StatusOf(id, "call"));
        var error = host.AssertFailed(id, ErrorTypes.WorkflowNotFound);
        Assert.Contains("child", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Workflow_PinnedVersionNotRegistered_FailsWithWorkflowNotFound()
    {
        var host = Host();
        host.Register(Child);
        var id = host.Run("""
            { "name": "parent", "nodes": { "call": { "type": "workflow", "workflow": "child", "version": 7, "input": { "n": 1 } } } }
            """);

        Assert.Equal(7, Assert.Single(host.CommandsOf<StartChild>(id)).Version);
        host.AssertFailed(id, ErrorTypes.WorkflowNotFound);
    }

    [Fact]
    public void Workflow_PinnedVersion_ChildRunsThatVersion()
    {
        var host = Host();
        host.Register(Child);
        host.Register(Child.Replace("input.n * 2", "input.n * 3", StringComparison.Ordinal));
        var id = host.Run("""
            { "name": "parent", "nodes": { "call": { "type": "workflow", "workflow": "child", "version": 1, "input": { "n": 5 } } } }
            """);

        host.AssertCompleted(id, """{"call": {"result": 10, "version": 1}}""");
    }

    [Fact]
    public void Workflow_DefaultVersion_IsLatestWhenNodeFirstStarts()
    {
        var host = Host();
        host.Register(Child);
        host.Register(Child.Replace("input.n * 2", "input.n * 3", StringComparison.Ordinal));
        var id = host.Run(Parent, input: """{"n": 5}""");

        host.AssertCompleted(id, """{"after": 16}""");
        Assert.Equal(2, host.Node(id, "call").ChildVersion);
    }

    [Fact]
    public void Workflow_VersionRecordedAtFirstStart_KeptForRetries()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("flaky", calls.Record(_ => calls.All.Count == 1 ? Err("ActivityError") : Ok("\"v1 ok\"")));
        host.Register("""{ "name": "child", "nodes": { "work": { "type": "activity", "activity": "flaky" } } }""");
        var id = host.Run("""
            {
              "name": "parent",
              "nodes": { "call": { "type": "workflow", "workflow": "child", "retry": { "maxAttempts": 2, "interval": "PT10S", "jitter": "none" } } }
            }
            """, run: false);
        host.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(InstanceStatus.Failed, host.State($"{id}:call:0:1").Status);
        Assert.Equal(1, host.Node(id, "call").ChildVersion);

        host.Register("""{ "name": "child", "nodes": { "other": { "type": "set", "value": "v2" } } }""");
        host.RunUntilIdle();

        var starts = host.CommandsOf<StartChild>(id);
        Assert.Equal([null, 1], starts.Select(s => s.Version));
        Assert.Equal(1, host.Plan($"{id}:call:0:2").Version);
        host.AssertCompleted(id, """{"call": {"work": "v1 ok"}}""");
    }

    [Fact]
    public void Workflow_ChildFails_NodeFailsWithChildError()
    {
        var host = Host();
        host.Register("""{ "name": "child", "nodes": { "stop": { "type": "fail", "error": "Declined", "message": "card declined" } } }""");
        var id = host.Run("""
            {
              "name": "parent",
              "nodes": {
                "call": { "type": "workflow", "workflow": "child" },
                "recover": { "type": "set", "value": "${{ nodes.call.error.message }}", "runAfter": { "call": ["failed"] } }
              }
            }
            """);

        Assert.Equal(new WorkflowError("Declined", "card declined"), host.Node(id, "call").Error);
        host.AssertCompleted(id, """{"recover": "card declined"}""");
    }

    [Fact]
    public void Workflow_ChildTerminated_NodeFailsWithTerminated()
    {
        var host = Host();
        host.Register("""{ "name": "child", "nodes": { "ev": { "type": "event", "event": "never" } } }""");
        var id = host.Run("""{ "name": "parent", "nodes": { "call": { "type": "workflow", "workflow": "child" } } }""");

        host.Terminate($"{id}:call:0:1", "stop it");
        host.RunUntilIdle();

        var error = host.AssertFailed(id, ErrorTypes.Terminated);
        Assert.Equal("stop it", error.Message);
    }
}
