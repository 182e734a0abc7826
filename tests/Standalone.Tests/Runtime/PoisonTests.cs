using System.Globalization;
using Azure.Storage.Queues;
using Serverless.Standalone.Storage;
using Serverless.Standalone.Tests.Infrastructure;

namespace Serverless.Standalone.Tests.Runtime;

[Collection(AzuriteCollection.Name)]
public sealed class PoisonTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task PoisonMessage_FailingEveryDelivery_FailsItsInstanceKeepsMessageAndHostServesOthers()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        await using var host = await InProcessHost.StartAsync(azurite.ConnectionString, "poison", new Dictionary<string, string?>
        {
            ["Host:MaxDequeueCount"] = "2",
        });
        await host.Api.PutWorkflowAsync(Workflows.Waiter, ct);
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);
        await host.Api.StartAsync("waiter", "victim", "null", ct);
        await host.Api.WaitForStatusAsync("victim", s => s == "Running", ct);
        var partition = Partitioning.Of("victim", 4);
        var queue = new QueueClient(azurite.ConnectionString, $"poison-control-{partition.ToString("D2", CultureInfo.InvariantCulture)}");
        var poisonQueue = new QueueClient(azurite.ConnectionString, "poison-poison");

        await queue.SendMessageAsync("""{"instanceId":"victim","event":{"$type":"no-such-event","id":"x"}}""", ct);
        var failed = await host.Api.WaitForFinalAsync("victim", ct);

        Assert.Equal("Failed", failed["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("PoisonMessage", failed["customStatus"]!["error"]!["type"]!.GetValue<string>());
        Assert.Contains("poison-poison", failed["output"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var kept = await poisonQueue.PeekMessagesAsync(10, ct);
        Assert.Contains(kept.Value, m => m.Body.ToString().Contains("no-such-event", StringComparison.Ordinal));
        var health = await host.Api.HealthAsync(ct);
        Assert.Equal(1, health["counters"]!["poisonMessages"]!.GetValue<int>());

        await host.Api.StartAsync("seq", "after-poison", "3", ct);
        Assert.Equal(3, (await host.Api.WaitForFinalAsync("after-poison", ct))["output"]!.GetValue<int>());
    }
}
