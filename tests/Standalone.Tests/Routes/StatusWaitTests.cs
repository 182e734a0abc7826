using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Standalone.Storage;
using Serverless.Standalone.Tests.Infrastructure;

namespace Serverless.Standalone.Tests.Routes;

/// <summary>
/// The status long-poll (<c>waitForChange</c>, <c>timeout</c>) on the standalone host: its own saves wake a waiting
/// request, and nothing else does before the timeout.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StatusWaitTests(AzuriteFixture azurite)
{
    private const string SlowOne = """
        {"name":"slow-one","nodes":{"s":{"type":"activity","activity":"slow","input":{"ms":1500,"value":7}}},"output":"${{ nodes.s.output }}"}
        """;

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Status_WaitForChange_AnswersWhenANodeFinishes()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(SlowOne, ct);
        await host.Api.StartAsync("slow-one", "wait-node", "{}", ct);
        var running = await host.Api.WaitForStatusAsync("wait-node", s => s == "Running", ct);
        var clock = Stopwatch.StartNew();

        using var answer = await host.Client.GetAsync($"/api/instances/wait-node?waitForChange={Seen(running)}&timeout=20", ct);
        var status = JsonNode.Parse(await answer.Content.ReadAsStringAsync(ct))!;

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(("Completed", 7), (status["runtimeStatus"]!.GetValue<string>(), status["output"]!.GetValue<int>()));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Status_WaitForChange_AnswersWhenAnEventIsRaised()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        var changes = host.Services.GetRequiredService<InstanceStore>().Changes;
        await host.Api.PutWorkflowAsync(Workflows.Waiter, ct);
        await host.Api.StartAsync("waiter", "wait-event", "{}", ct);
        var running = await host.Api.WaitForStatusAsync("wait-event", s => s == "Running", ct);
        var clock = Stopwatch.StartNew();

        var waiting = host.Client.GetAsync($"{WorkflowApi.Instances}/wait-event?waitForChange={Seen(running)}&timeout=20", ct);
        while (changes.Watched == 0)
        {
            await Task.Delay(10, ct);
        }

        Assert.False(waiting.IsCompleted);
        Assert.Equal(202, await host.Api.PostAsync("/api/instances/wait-event/raiseEvent/go", "\"now\"", ct));
        using var answer = await waiting;
        var status = JsonNode.Parse(await answer.Content.ReadAsStringAsync(ct))!;

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(("Completed", "now"), (status["runtimeStatus"]!.GetValue<string>(), status["output"]!.GetValue<string>()));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task InstanceChanges_TheHostSavesTheInstance_WakesItsWaiters()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        var changes = host.Services.GetRequiredService<InstanceStore>().Changes;
        await host.Api.PutWorkflowAsync(Workflows.Waiter, ct);
        await host.Api.StartAsync("waiter", "wake-a", "{}", ct);
        await host.Api.StartAsync("waiter", "wake-b", "{}", ct);
        await host.Api.WaitForStatusAsync("wake-a", s => s == "Running", ct);
        await host.Api.WaitForStatusAsync("wake-b", s => s == "Running", ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var a = changes.WaitAsync("wake-a", stop.Token);
        var b = changes.WaitAsync("wake-b", stop.Token);
        Assert.Equal(202, await host.Api.PostAsync("/api/instances/wake-a/raiseEvent/go", "1", ct));
        await a.WaitAsync(ct);
        await stop.CancelAsync();

        // b ends with the cancel (or earlier, if its own row was written meanwhile); either way nobody waits any more.
        await Task.WhenAny(b);
        Assert.Equal(0, changes.Watched);
    }

    [Fact]
    public async Task Status_WaitForChange_NothingChanges_AnswersTheUnchangedStatusAtTheTimeout()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Waiter, ct);
        await host.Api.StartAsync("waiter", "wait-timeout", "{}", ct);
        var running = await host.Api.WaitForStatusAsync("wait-timeout", s => s == "Running", ct);
        var clock = Stopwatch.StartNew();

        using var answer = await host.Client.GetAsync($"/api/instances/wait-timeout?waitForChange={Seen(running)}&timeout=1", ct);
        var elapsed = clock.Elapsed;
        var status = JsonNode.Parse(await answer.Content.ReadAsStringAsync(ct))!;

        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        Assert.Equal(Seen(running), status["lastUpdatedTime"]!.GetValue<string>());
        Assert.True(elapsed >= TimeSpan.FromSeconds(0.9), $"answered after {elapsed}");
    }

    private static string Seen(JsonObject status) => status["lastUpdatedTime"]!.GetValue<string>();
}
