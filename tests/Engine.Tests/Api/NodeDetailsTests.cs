using System.Collections.Immutable;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;

namespace Serverless.Engine.Tests.Api;

public sealed class NodeDetailsTests
{
    private static InstanceState State(int count) => new()
    {
        InstanceId = "i",
        Workflow = "w",
        Version = 1,
        Nodes = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
            Enumerable.Range(0, count).Select(i => KeyValuePair.Create($"n{i:D2}", new NodeState { NodeId = $"n{i:D2}", Status = NodeStatus.Succeeded, Attempt = 1 }))),
    };

    [Fact]
    public void List_PagedWithTokens_VisitsEveryNodeOnceInOrder()
    {
        var state = State(7);
        var seen = new List<string>();
        string? after = null;
        string? token;
        do
        {
            var page = NodeDetails.List(state, 3, after);
            seen.AddRange(page.Items.Select(n => n!["path"]!.GetValue<string>()));
            token = page.ContinuationToken;
            if (token is not null)
            {
                Assert.Null(NodeDetails.TryParsePaging("3", token, out _, out after));
            }
        }
        while (token is not null);

        Assert.Equal(state.Nodes.Keys, seen);
    }

    [Theory]
    [InlineData("0", null)]
    [InlineData("1001", null)]
    [InlineData("x", null)]
    [InlineData(null, "!!not-base64!!")]
    public void TryParsePaging_Invalid_ReturnsValidationError(string? top, string? token)
    {
        var error = NodeDetails.TryParsePaging(top, token, out _, out _);

        Assert.NotNull(error);
        Assert.Equal(400, error.StatusCode);
    }
}
