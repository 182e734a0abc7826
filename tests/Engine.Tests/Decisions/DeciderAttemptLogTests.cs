using System.Text;
using Serverless.Engine.Decisions;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Decisions;

/// <summary>The attempt log the decider keeps for retried nodes: only when a retry follows, bounded, in state that still loads without it.</summary>
public sealed class DeciderAttemptLogTests
{
    private static string Retried(int maxAttempts) => $$"""
        {
          "name": "wf",
          "nodes": {
            "work": { "type": "activity", "activity": "work", "retry": { "maxAttempts": {{maxAttempts}}, "interval": "PT10S", "backoff": 2, "jitter": "none" } }
          }
        }
        """;

    [Fact]
    public void Retry_FailedAttemptsFollowedByARetry_AreLoggedWithTheirTimes()
    {
        var host = Host();
        var calls = new Calls();
        host.Handle("work", calls.Record(_ => calls.All.Count < 3 ? Err("NetworkError", seconds: 2) : Ok("1", seconds: 2)));
        var id = host.Run(Retried(5));

        var node = host.Node(id, "work");
        Assert.Equal(
            [new NodeAttempt(1, At(0), At(2), "NetworkError"), new NodeAttempt(2, At(12), At(14), "NetworkError")],
            node.AttemptLog.ToArray());
        Assert.Equal((3, At(34), At(36)), (node.Attempt, node.AttemptStartedAt!.Value, node.CompletedAt!.Value));
        Assert.Equal(0, node.AttemptLogDropped);
    }

    [Fact]
    public void Run_SingleAttempt_StoresNothingExtra()
    {
        var host = Host();
        host.Handle("work", _ => Ok("1"));
        var id = host.Run(Retried(3));

        var node = host.Node(id, "work");
        var json = Encoding.UTF8.GetString(StateSerializer.Serialize(host.State(id)));
        Assert.True(node.AttemptLog.IsDefault);
        Assert.Null(node.AttemptStartedAt);
        Assert.DoesNotContain("attempt", json.Replace("\"attempt\":1", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("epoch", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Retry_LastAttemptFails_IsNotLogged()
    {
        var host = Host();
        host.Handle("work", _ => Err("NetworkError"));
        var id = host.Run(Retried(2));

        var node = host.Node(id, "work");
        Assert.Equal([1], node.AttemptLog.Select(a => a.Attempt));
        Assert.Equal(NodeStatus.Failed, node.Status);
    }

    [Fact]
    public void Retry_ManyAttempts_KeepsTheLastTwentyAndCountsTheRest()
    {
        var host = Host();
        host.Handle("work", _ => Err("NetworkError"));
        var id = host.Run(Retried(26));

        var node = host.Node(id, "work");
        Assert.Equal(Enumerable.Range(6, 20), node.AttemptLog.Select(a => a.Attempt));
        Assert.Equal(5, node.AttemptLogDropped);
        Assert.Equal(26, node.Attempt);
    }

    [Fact]
    public void Deserialize_StateWithoutTheLog_Loads()
    {
        var host = Host();
        host.Handle("work", _ => Err("NetworkError"));
        var id = host.Run(Retried(3), run: false);
        host.Advance(TimeSpan.FromSeconds(15));
        var json = Encoding.UTF8.GetString(StateSerializer.Serialize(host.State(id)));
        Assert.Contains("\"attemptLog\":[", json, StringComparison.Ordinal);

        // The state as an engine before the log wrote it.
        var node = host.Node(id, "work") with { AttemptLog = default, AttemptStartedAt = null };
        var old = host.State(id) with { Nodes = host.State(id).Nodes.SetItem("work", node) };
        var oldJson = Encoding.UTF8.GetString(StateSerializer.Serialize(old));
        var back = StateSerializer.Deserialize(Encoding.UTF8.GetBytes(oldJson));

        Assert.DoesNotContain("attemptLog", oldJson, StringComparison.Ordinal);
        Assert.DoesNotContain("attemptStartedAt", oldJson, StringComparison.Ordinal);
        Assert.True(back.Nodes["work"].AttemptLog.IsDefault);
        Assert.Equal(2, back.Nodes["work"].Attempt);
    }

    [Fact]
    public void Rerun_AttemptsOfTheNewEpoch_RecordTheEpoch()
    {
        var host = Host();
        var fail = true;
        host.Handle("work", _ => fail ? Err("NetworkError") : Ok("1"));
        var id = host.Run(Retried(1));
        Assert.Equal(0, host.Node(id, "work").Epoch);

        fail = false;
        host.Rerun(id);
        host.RunUntilIdle();

        Assert.Equal(1, host.Node(id, "work").Epoch);
    }
}
