using Serverless.Engine.Decisions;

namespace Serverless.Engine.Tests.Decisions;

public sealed class NodePathTests
{
    [Theory]
    [InlineData("fetch", "", "fetch")]
    [InlineData("each[3].fetch", "each[3].", "fetch")]
    [InlineData("outer[2].inner[10].step", "outer[2].inner[10].", "step")]
    [InlineData("each[3]", "", "each")]
    [InlineData("outer[2].inner[10]", "outer[2].", "inner")]
    [InlineData("a-b_c[0].x-y", "a-b_c[0].", "x-y")]
    public void PrefixAndNodeId_Path_SplitsScopeAndId(string path, string prefix, string nodeId)
    {
        Assert.Equal(prefix, NodePath.Prefix(path));
        Assert.Equal(nodeId, NodePath.NodeId(path));
    }

    [Theory]
    [InlineData("each", 0, "each[0]")]
    [InlineData("outer[1].inner", 42, "outer[1].inner[42]")]
    [InlineData("again", 10000, "again[10000]")]
    public void Iteration_OwnerAndIndex_RoundTripsThroughParseIteration(string owner, int index, string expected)
    {
        var path = NodePath.Iteration(owner, index);

        Assert.Equal(expected, path);
        Assert.Equal((owner, index), NodePath.ParseIteration(path));
    }

    [Theory]
    [InlineData("inst", "fetch", 0, 1, "inst:fetch:0:1")]
    [InlineData("wf-000001", "each[3].fetch", 2, 7, "wf-000001:each[3].fetch:2:7")]
    [InlineData("parent:call:0:1", "outer[0].inner[1].x", 10, 123, "parent:call:0:1:outer[0].inner[1].x:10:123")]
    public void Key_RoundTripsThroughTryParseKey(string instanceId, string path, int epoch, int attempt, string expected)
    {
        var key = NodePath.Key(instanceId, path, epoch, attempt);

        Assert.Equal(expected, key);
        Assert.True(NodePath.TryParseKey(instanceId, key, out var parsedPath, out var parsedEpoch, out var parsedAttempt));
        Assert.Equal(path, parsedPath);
        Assert.Equal(epoch, parsedEpoch);
        Assert.Equal(attempt, parsedAttempt);
    }

    [Theory]
    [InlineData("inst", "other:fetch:0:1")]
    [InlineData("inst", "inst2:fetch:0:1")]
    [InlineData("inst", "inst")]
    [InlineData("inst", "inst:")]
    [InlineData("inst", "inst:fetch")]
    [InlineData("inst", "inst:fetch:1")]
    [InlineData("inst", "inst::0:1")]
    [InlineData("inst", "inst:fetch:x:1")]
    [InlineData("inst", "inst:fetch:0:y")]
    [InlineData("inst", "inst:fetch:-1:1")]
    [InlineData("inst", "inst:fetch:0:-1")]
    [InlineData("inst", "inst:fetch:0:")]
    [InlineData("inst", "")]
    [InlineData("inst", "INST:fetch:0:1")]
    public void TryParseKey_NotAKeyOfThisInstance_False(string instanceId, string key)
    {
        Assert.False(NodePath.TryParseKey(instanceId, key, out _, out _, out _));
    }
}
