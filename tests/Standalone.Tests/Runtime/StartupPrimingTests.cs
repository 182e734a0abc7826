using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Standalone.Runtime;
using Serverless.Standalone.Tests.Infrastructure;

namespace Serverless.Standalone.Tests.Runtime;

/// <summary>The throwaway instance a host runs once healthy (<see cref="StartupPriming"/>), on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StartupPrimingTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RunAsync_OnAHealthyHost_CompletesAndLeavesNoInstanceBehind()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        await using var host = await InProcessHost.StartAsync(azurite.ConnectionString, "priming");
        var balancer = host.Services.GetRequiredService<PartitionLeaseBalancer>();

        // Throws unless the instance ran to Completed (its echo answered, its event raised, its switch and expressions
        // evaluated, each state and envelope through their JSON contracts) and the heartbeat replace succeeded.
        await host.Services.GetRequiredService<StartupPriming>().RunAsync(balancer.HostId, ct);

        Assert.Empty((await host.Client.GetFromJsonAsync<JsonArray>("/api/instances", ct))!);
        Assert.Equal("healthy", (await host.Api.HealthAsync(ct))["status"]!.GetValue<string>());
    }
}
