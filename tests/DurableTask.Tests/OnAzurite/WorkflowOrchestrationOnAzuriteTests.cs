using System.Globalization;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Serverless.DurableTask.Tests.Infrastructure;
using Serverless.Engine.Decisions;
using Serverless.Testing;

namespace Serverless.DurableTask.Tests.OnAzurite;

/// <summary>The workflow orchestration on the real Durable Task engine (Azure Storage provider on Azurite).</summary>
[Collection(DurableTaskCollection.Name)]
public sealed class WorkflowOrchestrationOnAzuriteTests(DurableTaskFixture fixture)
{
    private static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static string Normalize(string? json) => json is null ? "null" : JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

    private static void AssertCompleted(OrchestrationMetadata meta)
        => Assert.True(
            meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            $"{meta.InstanceId} is {meta.RuntimeStatus}: {meta.FailureDetails?.ErrorType} {meta.FailureDetails?.ErrorMessage} {meta.FailureDetails?.StackTrace}");

    [Fact]
    public async Task ForeachOfSixty_CompletesInItemOrderAcrossContinueAsNewAndTheWidthCap()
    {
        var ct = Timeout();
        await fixture.Hub.RegisterAsync("""
            {"name":"dt-fan","nodes":{
              "each":{"type":"foreach","items":"${{ input }}","maxConcurrency":0,
                      "body":{"nodes":{"d":{"type":"activity","activity":"double","input":"${{ item }}"}},"output":"${{ nodes.d.output }}"}}},
             "output":"${{ nodes.each.output }}"}
            """, ct);
        var items = Enumerable.Range(1, 60).ToArray();

        await fixture.Hub.StartAsync("dt-fan", "dt-fan-1", JsonSerializer.SerializeToElement(items), ct);
        var meta = await fixture.Hub.WaitAsync("dt-fan-1", ct);
        var state = await fixture.Hub.StateAsync("dt-fan-1", ct);

        AssertCompleted(meta);
        Assert.Equal(JsonSerializer.Serialize(items.Select(i => i * 2)), Normalize(meta.SerializedOutput));
        Assert.Equal(InstanceStatus.Completed, state!.Status);
        Assert.Equal(60, state.Nodes.Count(n => n.Key.EndsWith(".d", StringComparison.Ordinal) && n.Value.Status == NodeStatus.Succeeded));
    }

    [Fact]
    public async Task RetryOnADurableTimer_ThirdAttemptSucceedsAfterTheBackoff()
    {
        var ct = Timeout();
        await fixture.Hub.RegisterAsync("""
            {"name":"dt-flaky","nodes":{
              "call":{"type":"activity","activity":"flaky","input":{"failures":2,"value":"third time"},
                      "retry":{"errors":["Timeout"],"maxAttempts":3,"interval":"PT1S","backoff":1,"jitter":"none"}}},
             "output":"${{ nodes.call.output }}"}
            """, ct);

        await fixture.Hub.StartAsync("dt-flaky", "dt-flaky-1", Json("{}"), ct);
        var meta = await fixture.Hub.WaitAsync("dt-flaky-1", ct);
        var call = (await fixture.Hub.StateAsync("dt-flaky-1", ct))!.Nodes["call"];

        AssertCompleted(meta);
        Assert.Equal("\"third time\"", Normalize(meta.SerializedOutput));
        Assert.Equal(3, call.Attempt);
        Assert.True(call.CompletedAt - call.StartedAt >= TimeSpan.FromSeconds(2), $"two 1 s retry delays, took {call.CompletedAt - call.StartedAt}");
    }

    [Fact]
    public async Task EventsRaisedBeforeTheWait_AreConsumedInArrivalOrder()
    {
        var ct = Timeout();
        await fixture.Hub.RegisterAsync("""
            {"name":"dt-events","nodes":{
              "gate":{"type":"event","event":"open"},
              "first":{"type":"event","event":"item","runAfter":["gate"]},
              "second":{"type":"event","event":"item","runAfter":["first"]}},
             "output":["${{ nodes.first.output }}","${{ nodes.second.output }}"]}
            """, ct);
        await fixture.Hub.StartAsync("dt-events", "dt-events-1", Json("{}"), ct);
        await fixture.Hub.Client.WaitForInstanceStartAsync("dt-events-1", ct);

        await fixture.Hub.Client.RaiseEventAsync("dt-events-1", "item", 1, ct);
        await fixture.Hub.Client.RaiseEventAsync("dt-events-1", "item", 2, ct);
        await fixture.Hub.Client.RaiseEventAsync("dt-events-1", "open", true, ct);
        var meta = await fixture.Hub.WaitAsync("dt-events-1", ct);

        AssertCompleted(meta);
        Assert.Equal("[1,2]", Normalize(meta.SerializedOutput));
    }

    [Fact]
    public async Task HttpNode_InputSpellingSecretReferences_SendsThemAsWrittenAndTheSecretOnlyWhereTheDefinitionSaysSo()
    {
        // The references travel from the decider to the executor inside the activity input; input is never resolved.
        var ct = Timeout();
        await fixture.Hub.RegisterAsync(SecretForgery.Definition, ct);

        await fixture.Hub.StartAsync("secret-forgery", "dt-forgery-1", SecretForgery.Input(fixture.Echo.BaseUri), ct);
        var meta = await fixture.Hub.WaitAsync("dt-forgery-1", ct);

        AssertCompleted(meta);
        var received = Assert.Single(fixture.Echo.Requests, r => r.Path.StartsWith("/echo/", StringComparison.Ordinal));
        Assert.Null(SecretForgery.Check(received));
        Assert.DoesNotContain(SecretForgery.Value, meta.SerializedOutput, StringComparison.Ordinal);
        Assert.Equal("***", JsonDocument.Parse(meta.SerializedOutput!).RootElement.GetProperty("Headers").GetProperty("x-real").GetString());
    }

    [Fact]
    public async Task FailNode_FailsTheInstanceWithTheTypeAndMessage()
    {
        var ct = Timeout();
        await fixture.Hub.RegisterAsync("""{"name":"dt-fail","nodes":{"stop":{"type":"fail","error":"PaymentDeclined","message":"card expired"}}}""", ct);

        await fixture.Hub.StartAsync("dt-fail", "dt-fail-1", Json("{}"), ct);
        var meta = await fixture.Hub.WaitAsync("dt-fail-1", ct);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, meta.RuntimeStatus);
        Assert.Equal("PaymentDeclined: card expired", meta.FailureDetails?.ErrorMessage ?? meta.SerializedOutput);
    }

    [Fact]
    public async Task DefinitionRegisteredUnderRaisedLimits_RunsUnderThem()
    {
        // 550 nodes: over the default limit of 500; the task hub's one compiler allows 600.
        var ct = Timeout();
        await fixture.Hub.RegisterAsync(JsonSerializer.Serialize(new
        {
            name = "dt-wide",
            nodes = Enumerable.Range(0, 550).ToDictionary(i => $"n{i}", i => (object)new { type = "set", value = i }),
            output = "${{ nodes.n549.output }}",
        }), ct);

        await fixture.Hub.StartAsync("dt-wide", "dt-wide-1", Json("{}"), ct);
        var meta = await fixture.Hub.WaitAsync("dt-wide-1", ct);

        AssertCompleted(meta);
        Assert.Equal("549", Normalize(meta.SerializedOutput));
    }

    [Fact]
    public async Task TwoHundredOneSecondWaits_NoneEndsBeforeItsDueTime()
    {
        // The Azure Storage provider can deliver a 1 s timer up to 0.95 s early (whole-second queue visibility); the
        // orchestration waits out the remainder, so no wait node may complete before its due time.
        var ct = Timeout(240);
        await fixture.Hub.RegisterAsync("""{"name":"dt-wait","nodes":{"w":{"type":"wait","duration":"PT1S"}}}""", ct);
        var ids = Enumerable.Range(0, 200).Select(i => "dt-wait-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();

        await Task.WhenAll(ids.Select(id => fixture.Hub.StartAsync("dt-wait", id, Json("null"), ct)));
        var early = new List<string>();
        foreach (var id in ids)
        {
            var meta = await fixture.Hub.WaitAsync(id, ct);
            AssertCompleted(meta);
            var wait = (await fixture.Hub.StateAsync(id, ct))!.Nodes["w"];
            if (wait.CompletedAt - wait.StartedAt < TimeSpan.FromSeconds(1))
            {
                early.Add($"{id}: {(wait.CompletedAt - wait.StartedAt)!.Value.TotalMilliseconds:F0} ms");
            }
        }

        Assert.Empty(early);
    }
}
