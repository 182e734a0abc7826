using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Engine.Decisions;
using Serverless.Engine.Telemetry;
using Serverless.Standalone.Runtime;
using Serverless.Standalone.Storage;
using Serverless.Standalone.Telemetry;
using Serverless.Standalone.Tests.Infrastructure;
using Serverless.Testing;

namespace Serverless.Standalone.Tests.Runtime;

/// <summary>The throwaway instance a host runs through its real runtime before it is ready (<see cref="StartupPriming"/>), on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StartupPrimingTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RunAsync_OnAHealthyHost_CompletesWithPrivateTelemetryAndLeavesNothingBehind()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        await using var host = await InProcessHost.StartAsync(azurite.ConnectionString, "priming");
        var balancer = host.Services.GetRequiredService<PartitionLeaseBalancer>();
        var storage = host.Services.GetRequiredService<TaskHubStorage>();
        var metrics = host.Services.GetRequiredService<HostMetrics>();

        // The run the host made before it was ready left no row in the hosts table.
        Assert.Empty(await PrimingRowsAsync(storage, ct));

        // Spans and workflow metrics of every test in this process are seen here; the priming's name none of them.
        using var spans = new SpanRecorder();
        using var measurements = new WorkflowMeasurements();

        // Throws unless the instance ran to Completed through the runtime: created with its first node's outbox, its echo
        // run by the node work runner, its event raised and applied, its switch and set evaluated, each save with an ETag.
        var run = await host.Services.GetRequiredService<StartupPriming>().RunAsync(balancer.HostId, Task.CompletedTask, ct);
        var final = run.Final;

        Assert.Equal(StartupPriming.InstanceId(balancer.HostId), final.State.InstanceId);
        Assert.Equal(InstanceStatus.Completed, final.State.Status);
        Assert.Equal("n=1", final.State.Output!.Value.GetString());
        Assert.Equal(2, final.State.Nodes["go"].Output!.Value.GetProperty("n").GetInt32());
        Assert.NotEqual(default, final.ETag);
        Assert.Empty(await PrimingRowsAsync(storage, ct));
        Assert.DoesNotContain(spans.Spans, s => s.DisplayName.Contains("startup-priming", StringComparison.Ordinal)
            || s.Tags.Any(t => t.Value?.Contains("startup-priming", StringComparison.Ordinal) == true));
        Assert.Empty(measurements.Of("startup-priming"));

        // Its requests went through the API's handlers, and its spans and metrics through the OpenTelemetry SDK all the
        // same, into its own providers.
        foreach (var span in (string[])["start startup-priming", "raise go", "event go", "activity a", "wait for go", "run startup-priming"])
        {
            Assert.Contains(span, run.Spans);
        }

        foreach (var metric in (string[])["workflow.run.duration", "workflow.run.active", "workflow.node.duration", "workflow.dispatch.lag", "workflow.event.wait.duration", "serverless.host.events.applied"])
        {
            Assert.Contains(metric, run.Metrics);
        }

        Assert.Equal(0, metrics.EventsApplied);
        Assert.Equal(0, metrics.NodesExecuted);
        Assert.Empty((await host.Client.GetFromJsonAsync<JsonArray>("/api/instances", ct))!);
        Assert.Empty((await host.Client.GetFromJsonAsync<JsonArray>("/api/workflows", ct))!);
        foreach (var queue in storage.ControlQueues)
        {
            Assert.Empty((await queue.PeekMessagesAsync(32, ct)).Value);
        }

        Assert.Equal("healthy", (await host.Api.HealthAsync(ct))["status"]!.GetValue<string>());

        // The listeners see a user's instance of the same kind: what they saw of the priming was nothing, not blindness.
        await host.Api.PutWorkflowAsync("""{"name":"control","nodes":{"a":{"type":"activity","activity":"echo","input":1}}}""", ct);
        var id = await host.Api.StartAsync("control", null, "null", ct);
        Assert.Equal("Completed", (await host.Api.WaitForFinalAsync(id, ct))["runtimeStatus"]!.GetValue<string>());
        Assert.Contains(spans.Spans, s => s.Tags.Any(t => t.Key == TraceAttributes.InstanceId && t.Value == id));
        Assert.NotEmpty(measurements.Of("control"));
    }

    private static async Task<List<TableEntity>> PrimingRowsAsync(TaskHubStorage storage, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in storage.Hosts.QueryAsync<TableEntity>(e => e.PartitionKey != "hosts", cancellationToken: ct))
        {
            rows.Add(row);
        }

        return rows;
    }
}
