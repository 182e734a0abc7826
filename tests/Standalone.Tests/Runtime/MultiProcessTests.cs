using Serverless.Standalone.Tests.Infrastructure;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Standalone.Tests.Runtime;

[Collection(AzuriteCollection.Name)]
public sealed class MultiProcessTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task Crash_SigkillMidway_NewHostCompletesEveryInstanceWithRightOutput()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = cts.Token;
        const string hub = "crash";
        var first = await HostProcess.StartAsync(azurite.ConnectionString, hub, ct);
        HostProcess? second = null;
        try
        {
            await first.Api.PutWorkflowAsync(Workflows.EchoWaitEcho, ct);
            var ids = Enumerable.Range(0, 50).Select(i => $"crash-{i:D2}").ToList();
            await Task.WhenAll(ids.Select((id, i) => first.Api.StartAsync("echo-wait-echo", id, $$"""{"n":{{i}}}""", ct)));

            // Mid-way: every instance waits on its 3 s timer (or is about to run its first node).
            var (_, sample) = await first.Api.StatusAsync(ids[^1], ct);
            Assert.NotEqual("Completed", sample!["runtimeStatus"]!.GetValue<string>());
            first.Kill();

            second = await HostProcess.StartAsync(azurite.ConnectionString, hub, ct);
            for (var i = 0; i < ids.Count; i++)
            {
                var final = await second.Api.WaitForFinalAsync(ids[i], ct);
                Assert.Equal("Completed", final["runtimeStatus"]!.GetValue<string>());
                Assert.Equal(i * 2, final["output"]!.GetValue<int>());
            }

            var stuck = await second.Client.GetStringAsync("/runtime/webhooks/durabletask/instances?runtimeStatus=Pending,Running,Suspended", ct);
            Assert.Equal("[]", stuck);
        }
        catch
        {
            output.WriteLine("first host:\n" + first.Output);
            output.WriteLine("second host:\n" + second?.Output);
            throw;
        }
        finally
        {
            await first.DisposeAsync();
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task TwoHosts_OneStorageAccount_SplitTheWorkAndApplyEachTransitionOnce()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = cts.Token;
        const string hub = "pair";
        await using var a = await HostProcess.StartAsync(azurite.ConnectionString, hub, ct);
        await using var b = await HostProcess.StartAsync(azurite.ConnectionString, hub, ct);
        try
        {
            // Both hosts hold two of the four partitions once they balance.
            await Poll.UntilAsync(
                async () => ((await a.Api.HealthAsync(ct))["partitions"]!.AsArray().Count, (await b.Api.HealthAsync(ct))["partitions"]!.AsArray().Count),
                counts => counts is (2, 2),
                ct,
                "both hosts to own two partitions");
            await a.Api.PutWorkflowAsync(Workflows.ThreeEchoes, ct);
            await b.Api.PutWorkflowAsync(Workflows.Waiter, ct);
            var ids = Enumerable.Range(0, 40).Select(i => $"pair-{i:D2}").ToList();
            var waiters = Enumerable.Range(0, 10).Select(i => $"pair-waiter-{i}").ToList();
            await Task.WhenAll(ids.Select((id, i) => (i % 2 == 0 ? a : b).Api.StartAsync("three", id, $$"""{"n":{{i}}}""", ct)));
            await Task.WhenAll(waiters.Select(id => a.Api.StartAsync("waiter", id, "null", ct)));

            // Events raised through both processes: the one that does not own the instance sends them by queue.
            for (var i = 0; i < waiters.Count; i++)
            {
                await (i % 2 == 0 ? a : b).Api.WaitForStatusAsync(waiters[i], s => s == "Running", ct);
                Assert.Equal(202, await (i % 2 == 0 ? a : b).Api.PostAsync($"{WorkflowApi.Instances}/{waiters[i]}/raiseEvent/go", $"{i}", ct));
            }

            for (var i = 0; i < waiters.Count; i++)
            {
                var final = await b.Api.WaitForFinalAsync(waiters[i], ct);
                Assert.Equal(i, final["output"]!.GetValue<int>());
            }

            for (var i = 0; i < ids.Count; i++)
            {
                var final = await (i % 2 == 0 ? b : a).Api.WaitForFinalAsync(ids[i], ct);
                Assert.Equal("Completed", final["runtimeStatus"]!.GetValue<string>());
                Assert.Equal(i + 2, final["output"]!.GetValue<int>());
            }

            var ca = (await a.Api.HealthAsync(ct))["counters"]!;
            var cb = (await b.Api.HealthAsync(ct))["counters"]!;
            output.WriteLine($"a: {ca.ToJsonString()}\nb: {cb.ToJsonString()}");
            Assert.True(ca["nodesExecuted"]!.GetValue<long>() > 0 && cb["nodesExecuted"]!.GetValue<long>() > 0, "both hosts ran node work");
            Assert.Equal(40 * 3, ca["nodesExecuted"]!.GetValue<long>() + cb["nodesExecuted"]!.GetValue<long>());
            // Start + three node results per instance, start + one event per waiter: every transition applied once, none twice.
            Assert.Equal((40 * 4) + (10 * 2), ca["eventsApplied"]!.GetValue<long>() + cb["eventsApplied"]!.GetValue<long>());
        }
        catch
        {
            output.WriteLine("host a:\n" + a.Output);
            output.WriteLine("host b:\n" + b.Output);
            throw;
        }
    }
}
