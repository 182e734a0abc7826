using Serverless.Engine.Registry;
using Serverless.Engine.Replay;
using Serverless.Engine.Tests.Infrastructure;

namespace Serverless.Engine.Tests.Replay;

public sealed class OrchestrationDriverOptionsTests
{
    [Theory]
    [InlineData(nameof(OrchestrationDriverOptions.HistoryBound))]
    [InlineData(nameof(OrchestrationDriverOptions.MaxOutstandingWork))]
    [InlineData(nameof(OrchestrationDriverOptions.CheckpointEvery))]
    public void Driver_OptionBelowOne_IsRefusedNamingIt(string option)
    {
        var options = option switch
        {
            nameof(OrchestrationDriverOptions.HistoryBound) => new OrchestrationDriverOptions { HistoryBound = 0 },
            nameof(OrchestrationDriverOptions.MaxOutstandingWork) => new OrchestrationDriverOptions { MaxOutstandingWork = 0 },
            _ => new OrchestrationDriverOptions { CheckpointEvery = -1 },
        };
        var runtime = new FakeOrchestrationRuntime(ReplayFixtures.Start, ReplayFixtures.Snapshot);

        var ex = Assert.Throws<InvalidOperationException>(() => new OrchestrationDriver(runtime, new WorkflowCompiler(), options));

        Assert.Contains($"OrchestrationDriverOptions.{option} must be between 1 and", ex.Message, StringComparison.Ordinal);
    }
}
