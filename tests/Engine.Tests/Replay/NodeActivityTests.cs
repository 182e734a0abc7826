using Moq;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;
using Serverless.Engine.Execution;
using Serverless.Engine.Registry;
using Serverless.Engine.Replay;
using static Serverless.Engine.Tests.Infrastructure.ReplayFixtures;

namespace Serverless.Engine.Tests.Replay;

public sealed class NodeActivityTests
{
    private static readonly DefinitionSnapshot WithCharge = new(3, """{"name":"order","nodes":{"charge":{"type":"activity","activity":"Charge"}}}""");

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Fact]
    public async Task RunAsync_KnownNode_RunsTheExecutorWithTheNodeAndCommand()
    {
        var definitions = new Mock<IDefinitionSource>();
        definitions.Setup(d => d.GetAsync("order", 3, It.IsAny<CancellationToken>())).ReturnsAsync(WithCharge);
        var executor = new Mock<INodeExecutor>();
        NodeWork? seen = null;
        executor.Setup(e => e.ExecuteAsync(It.IsAny<NodeWork>(), It.IsAny<CancellationToken>()))
            .Callback<NodeWork, CancellationToken>((w, _) => seen = w)
            .ReturnsAsync(NodeOutcome.Success(Json("{\"paid\":true}")));
        var activity = new NodeActivity(definitions.Object, executor.Object, new WorkflowCompiler());
        var command = new RunNode("order-1/charge/1/0", "charge", "charge", Json("{\"amount\":5}"), TimeSpan.FromSeconds(10));

        var first = await activity.RunAsync(new NodeActivityRequest("order-1", "order", 3, command), Timeout());
        await activity.RunAsync(new NodeActivityRequest("order-1", "order", 3, command), Timeout());

        Assert.True(first.Succeeded);
        Assert.Equal("{\"paid\":true}", first.Output!.Value.GetRawText());
        Assert.Equal(("order-1", "charge", "Charge", command), (seen!.InstanceId, seen.Node.Id, ((ActivityNode)seen.Node).Activity, seen.Command));
        definitions.Verify(d => d.GetAsync("order", 3, It.IsAny<CancellationToken>()), Times.Once(), "plans are cached per version");
    }

    [Fact]
    public async Task RunAsync_ExecutorFailure_IsReturnedAsAValue()
    {
        var definitions = new Mock<IDefinitionSource>();
        definitions.Setup(d => d.GetAsync("order", 3, It.IsAny<CancellationToken>())).ReturnsAsync(WithCharge);
        var executor = new Mock<INodeExecutor>();
        executor.Setup(e => e.ExecuteAsync(It.IsAny<NodeWork>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(NodeOutcome.Failure(new WorkflowError(ErrorTypes.HttpError, "429"), TimeSpan.FromSeconds(3)));
        var activity = new NodeActivity(definitions.Object, executor.Object, new WorkflowCompiler());

        var result = await activity.RunAsync(new NodeActivityRequest("order-1", "order", 3, Run("charge")), Timeout());

        Assert.False(result.Succeeded);
        var outcome = Assert.IsType<NodeOutcome.Failed>(result.ToOutcome());
        Assert.Equal((ErrorTypes.HttpError, TimeSpan.FromSeconds(3)), (outcome.Error.Type, outcome.RetryAfter));
    }

    [Fact]
    public async Task RunAsync_UnknownVersionOrNode_FailsWithoutRunningAnything()
    {
        var definitions = new Mock<IDefinitionSource>();
        definitions.Setup(d => d.GetAsync("order", 3, It.IsAny<CancellationToken>())).ReturnsAsync(WithCharge);
        var executor = new Mock<INodeExecutor>(MockBehavior.Strict);
        var activity = new NodeActivity(definitions.Object, executor.Object, new WorkflowCompiler());

        var missingVersion = await activity.RunAsync(new NodeActivityRequest("order-1", "order", 9, Run("charge")), Timeout());
        var missingNode = await activity.RunAsync(new NodeActivityRequest("order-1", "order", 3, Run("ship")), Timeout());

        Assert.Equal(ErrorTypes.WorkflowNotFound, missingVersion.Error!.Type);
        Assert.Equal(ErrorTypes.ValidationError, missingNode.Error!.Type);
        Assert.Contains("'ship'", missingNode.Error.Message, StringComparison.Ordinal);
    }
}
