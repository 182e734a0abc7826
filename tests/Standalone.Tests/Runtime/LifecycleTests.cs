using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Standalone.Tests.Infrastructure;

namespace Serverless.Standalone.Tests.Runtime;

[Collection(AzuriteCollection.Name)]
public sealed class LifecycleTests(AzuriteFixture azurite)
{
    private const string SlowThenEcho = """
        {"name":"slow-then-echo","nodes":{
          "slow":{"type":"activity","activity":"slow","input":{"ms":1500,"value":"${{ input }}"}},
          "after":{"type":"activity","activity":"echo","input":"${{ nodes.slow.output }}","runAfter":["slow"]}},
         "output":"${{ nodes.after.output }}"}
        """;

    [Fact]
    public async Task GracefulShutdown_WorkInFlight_IsFinishedSavedAndHandedOverWithoutRerun()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        var first = await InProcessHost.StartAsync(azurite.ConnectionString, "graceful");
        await first.Api.PutWorkflowAsync(SlowThenEcho, ct);
        await first.Api.StartAsync("slow-then-echo", "graceful-1", "7", ct);
        await Poll.UntilAsync(() => Task.FromResult(first.Activities.Calls.Count), n => n == 1, ct, "the slow node to start");

        await first.DisposeAsync();
        await using var second = await InProcessHost.StartAsync(azurite.ConnectionString, "graceful");
        var final = await second.Api.WaitForFinalAsync("graceful-1", ct);

        Assert.Equal("Completed", final["runtimeStatus"]!.GetValue<string>());
        Assert.Equal(7, final["output"]!.GetValue<int>());
        // The slow attempt finished and was saved by the first host: the second never ran it again.
        Assert.Single(first.Activities.Calls);
        Assert.DoesNotContain(second.Activities.Calls.Keys, k => k.StartsWith("graceful-1:slow:", StringComparison.Ordinal));
        Assert.Contains(second.Activities.Calls.Keys, k => k.StartsWith("graceful-1:after:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_AfterWork_ExposesPrometheusCounters()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = cts.Token;
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);
        await host.Api.StartAsync("seq", "metrics-1", "1", ct);
        await host.Api.WaitForFinalAsync("metrics-1", ct);

        var metrics = await Poll.UntilAsync(
            () => host.Client.GetStringAsync("/metrics", ct),
            text => text.Contains("workflow_run_duration_seconds_count{", StringComparison.Ordinal),
            ct,
            "the run duration to be exported");

        // OpenTelemetry names (dot-separated, seconds) as Prometheus shows them; never an instance id as a label. (This
        // host's test executor stands in for the node executors, so there are no node metrics here.)
        Assert.Contains("workflow_run_active{", metrics, StringComparison.Ordinal);
        Assert.Contains("workflow_run_duration_seconds_bucket{", metrics, StringComparison.Ordinal);
        Assert.Contains("serverless_host_events_applied_total", metrics, StringComparison.Ordinal);
        Assert.Contains("serverless_host_queue_depth", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("metrics-1", metrics, StringComparison.Ordinal);
        var health = await host.Client.GetFromJsonAsync<JsonObject>("/healthz", ct);
        Assert.Equal("healthy", health!["status"]!.GetValue<string>());
        Assert.Equal(4, health["partitions"]!.AsArray().Count);
    }
}
