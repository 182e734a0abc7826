using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Standalone.Tests.Infrastructure;

namespace Serverless.Standalone.Tests.Runtime;

[Collection(AzuriteCollection.Name)]
public sealed class WorkflowRunTests(AzuriteFixture azurite)
{
    private static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Foreach_200Items_CompletesWithEveryOutputInOrder()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Foreach, ct);
        var items = new JsonArray([.. Enumerable.Range(0, 200).Select(i => (JsonNode)i)]);

        await host.Api.StartAsync("each", "each-200", new JsonObject { ["items"] = items }.ToJsonString(), ct);
        var final = await host.Api.WaitForFinalAsync("each-200", ct);

        Assert.Equal("Completed", final["runtimeStatus"]!.GetValue<string>());
        Assert.Equal(Enumerable.Range(0, 200).Select(i => i * 2), final["output"]!.AsArray().Select(v => v!.GetValue<int>()));
        Assert.Equal(200, host.Activities.Calls.Count(c => c.Key.StartsWith("each-200:", StringComparison.Ordinal)));
        Assert.All(host.Activities.Calls.Where(c => c.Key.StartsWith("each-200:", StringComparison.Ordinal)), c => Assert.Equal(1, c.Value));
    }

    [Fact]
    public async Task Retry_FlakyActivity_RetriesOnDurableTimersNeverEarly()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Retry, ct);
        var clock = Stopwatch.StartNew();

        await host.Api.StartAsync("retry", "retry-1", "null", ct);
        var final = await host.Api.WaitForFinalAsync("retry-1", ct);

        Assert.Equal("Completed", final["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("ok", final["output"]!.GetValue<string>());
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"two 1 s retry timers took {clock.Elapsed}");
        var nodes = await host.Client.GetFromJsonAsync<JsonObject>("/api/instances/retry-1/nodes", ct);
        Assert.Equal(3, nodes!["nodes"]![0]!["attempts"]!.GetValue<int>());
        Assert.Equal(3, host.Activities.Calls.Count(c => c.Key.StartsWith("retry-1:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Retry_TimersAsDelayedQueueMessages_FireOnTimeNeverEarly()
    {
        var ct = Timeout();
        await using var host = await InProcessHost.StartAsync(azurite.ConnectionString, "queuetimers", new Dictionary<string, string?>
        {
            ["Host:InMemoryTimerWindow"] = "00:00:00",
        });
        await host.Api.PutWorkflowAsync(Workflows.Retry, ct);
        await host.Api.PutWorkflowAsync(Workflows.EventTimeout, ct);
        var clock = Stopwatch.StartNew();

        await host.Api.StartAsync("retry", "queued-retry", "null", ct);
        await host.Api.StartAsync("event-timeout", "queued-timeout", "null", ct);
        var retried = await host.Api.WaitForFinalAsync("queued-retry", ct);
        var timedOut = await host.Api.WaitForFinalAsync("queued-timeout", ct);

        Assert.Equal("ok", retried["output"]!.GetValue<string>());
        Assert.Equal("Timeout", timedOut["output"]!["type"]!.GetValue<string>());
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"two 1 s retry timers took {clock.Elapsed}");
        var nodes = await host.Client.GetFromJsonAsync<JsonObject>("/api/instances/queued-timeout/nodes", ct);
        var e = nodes!["nodes"]![0]!;
        var waited = DateTimeOffset.Parse(e["completedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            - DateTimeOffset.Parse(e["startedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(waited >= TimeSpan.FromSeconds(2), $"the 2 s event timeout fired after {waited}");
    }

    [Fact]
    public async Task Event_WithTimeout_DeliveredInTimeCompletesOtherwiseFailsWithTimeout()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.EventTimeout, ct);
        await host.Api.StartAsync("event-timeout", "evt-in-time", "null", ct);
        await host.Api.StartAsync("event-timeout", "evt-late", "null", ct);
        var clock = Stopwatch.StartNew();

        Assert.Equal(202, await host.Api.PostAsync($"{WorkflowApi.Instances}/evt-in-time/raiseEvent/GO", """{"v":1}""", ct));
        var inTime = await host.Api.WaitForFinalAsync("evt-in-time", ct);
        var late = await host.Api.WaitForFinalAsync("evt-late", ct);

        Assert.Equal("Completed", inTime["runtimeStatus"]!.GetValue<string>());
        Assert.Equal(1, inTime["output"]!["v"]!.GetValue<int>());
        Assert.Equal("Failed", late["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("Timeout", late["output"]!["type"]!.GetValue<string>());
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"the 2 s event timeout fired after {clock.Elapsed}");
    }

    [Fact]
    public async Task LargePayloads_InputOutputAndState_RoundTripThroughBlobs()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);
        await host.Api.PutWorkflowAsync(Workflows.Big, ct);
        await host.Api.PutWorkflowAsync(Workflows.Waiter, ct);
        var text = new string('y', 200_000);

        await host.Api.StartAsync("seq", "large-1", new JsonObject { ["text"] = text }.ToJsonString(), ct);
        await host.Api.StartAsync("big", "large-2", """{"size":250000}""", ct);
        await host.Api.StartAsync("waiter", "large-3", "null", ct);
        Assert.Equal(202, await host.Api.PostAsync($"{WorkflowApi.Instances}/large-3/raiseEvent/go", new JsonObject { ["t"] = text }.ToJsonString(), ct));
        var third = await host.Api.WaitForFinalAsync("large-3", ct);
        var first = await host.Api.WaitForFinalAsync("large-1", ct);
        var second = await host.Api.WaitForFinalAsync("large-2", ct);

        Assert.Equal("Completed", first["runtimeStatus"]!.GetValue<string>());
        Assert.Equal(text, first["output"]!["text"]!.GetValue<string>());
        Assert.Equal(text, first["input"]!["input"]!["text"]!.GetValue<string>());
        Assert.Equal(250_000, second["output"]!.GetValue<int>());
        Assert.Equal(text, third["output"]!["t"]!.GetValue<string>());
    }

    [Fact]
    public async Task ChildWorkflow_CompletesAndReportsToParent_UnknownChildFailsWithWorkflowNotFound()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);
        await host.Api.PutWorkflowAsync("""
            {"name":"parent","nodes":{"child":{"type":"workflow","workflow":"seq","input":{"v":"${{ input }}"}}},"output":"${{ nodes.child.output }}"}
            """, ct);
        await host.Api.PutWorkflowAsync("""
            {"name":"orphan","nodes":{"child":{"type":"workflow","workflow":"not-registered"}}}
            """, ct);

        await host.Api.StartAsync("parent", "parent-1", "5", ct);
        await host.Api.StartAsync("orphan", "orphan-1", "null", ct);
        var parent = await host.Api.WaitForFinalAsync("parent-1", ct);
        var orphan = await host.Api.WaitForFinalAsync("orphan-1", ct);

        Assert.Equal("Completed", parent["runtimeStatus"]!.GetValue<string>());
        Assert.Equal(5, parent["output"]!["v"]!.GetValue<int>());
        var children = await host.Client.GetFromJsonAsync<JsonArray>($"{WorkflowApi.Instances}?instanceIdPrefix=parent-1:", ct);
        var child = Assert.Single(children!);
        Assert.Equal("Completed", child!["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("Failed", orphan["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("WorkflowNotFound", orphan["output"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Terminate_RunningInstance_EndsTerminatedWithReason()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Waiter, ct);
        await host.Api.StartAsync("waiter", "term-1", "null", ct);

        Assert.Equal(202, await host.Api.PostAsync($"{WorkflowApi.Instances}/term-1/terminate?reason=no%20longer%20needed", null, ct));
        var final = await host.Api.WaitForFinalAsync("term-1", ct);

        Assert.Equal("Terminated", final["runtimeStatus"]!.GetValue<string>());
        Assert.Contains("no longer needed", final.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_Configured_EveryRouteRequiresIt()
    {
        var ct = Timeout();
        await using var host = await InProcessHost.StartAsync(azurite.ConnectionString, "keyed", new Dictionary<string, string?> { ["Host:ApiKey"] = "s3cret" });

        using var none = await host.Client.GetAsync("/api/workflows", ct);
        using var wrong = await host.Client.GetAsync("/api/workflows?code=nope", ct);
        using var query = await host.Client.GetAsync("/api/workflows?code=s3cret", ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/runtime/webhooks/durabletask/instances/x");
        request.Headers.Add("x-functions-key", "s3cret");
        using var header = await host.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Unauthorized", (await none.Content.ReadFromJsonAsync<JsonObject>(ct))!["error"]!["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, header.StatusCode);
    }
}
