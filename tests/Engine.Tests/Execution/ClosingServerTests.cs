using Serverless.Engine.Tests.Infrastructure;
using static Serverless.Engine.Tests.Infrastructure.ExecutionTestKit;

namespace Serverless.Engine.Tests.Execution;

/// <summary>http nodes against servers that close each connection after one answer (issue 10, item 2).</summary>
public sealed class ClosingServerTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ExecuteAsync_SequentialCallsToAServerThatClosesAfterEachAnswer_AllSucceed(bool http10)
    {
        await using var server = new ClosingServer(http10);
        using var executor = CreateHttpExecutor();

        for (var i = 0; i < 6; i++)
        {
            // Each call follows the previous answer at once, while the server still holds that connection open. A POST
            // with a body: HttpClient itself sends a GET once more on a new connection, but not a request with content.
            var outcome = await executor.ExecuteAsync(HttpWork(new { method = "POST", url = server.Url($"n{i}"), body = new { i } }), Ct);

            var body = Succeeded(outcome).Output.GetProperty("body");
            Assert.Equal($"/n{i}", body.GetProperty("path").GetString());
        }

        Assert.Equal(6, server.Answered);
    }

    [Fact]
    public async Task ExecuteAsync_FortyItemFanOutEightAtATimeToAnHttp10Server_AllSucceed()
    {
        // As a foreach of 40 items with maxConcurrency 8 runs its http nodes.
        await using var server = new ClosingServer(http10: true);
        using var executor = CreateHttpExecutor();
        using var slots = new SemaphoreSlim(8);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            await slots.WaitAsync(Ct);
            try
            {
                return await executor.ExecuteAsync(HttpWork(new { method = "POST", url = server.Url($"item/{i}"), body = new { i } }), Ct);
            }
            finally
            {
                slots.Release();
            }
        }));

        Assert.All(outcomes, outcome => Succeeded(outcome));
        Assert.Equal(40, server.Answered);
    }
}
