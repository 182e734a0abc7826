using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Engine.Telemetry;
using Serverless.Standalone.Storage;
using Serverless.Standalone.Tests.Infrastructure;
using Serverless.Testing;

namespace Serverless.Standalone.Tests.Telemetry;

/// <summary>The start request's trace context on the standalone host: the instance joins the caller's trace.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RequestSpansTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Start_RequestWithTraceparent_StartSpanAndInstanceInTheCallersTrace()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        var id = $"joined-{Guid.NewGuid():N}";
        var caller = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        using var spans = new SpanRecorder();
        using var executor = new LoopbackNodeExecutor(new Dictionary<string, string?>(), s => s.AddTracedActivities());
        var (app, address) = await InProcessStandaloneHost.StartAsync(azurite.ConnectionString, "traces", ct, executor: executor);
        await using var _ = app;
        using var client = new HttpClient { BaseAddress = address };
        var api = new WorkflowApi(client);
        await api.PutWorkflowAsync("""
            {"name":"joined","nodes":{
              "one":{"type":"activity","activity":"echo","input":1},
              "two":{"type":"activity","activity":"echo","input":2,"runAfter":["one"]}}}
            """, ct);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/workflows/joined/instances?instanceId={id}") { Content = new StringContent("{}") };
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{caller.ToHexString()}-{callerSpan.ToHexString()}-01");
        using (var response = await client.SendAsync(request, ct))
        {
            Assert.Equal(202, (int)response.StatusCode);
        }

        var final = await api.WaitForFinalAsync(id, ct);
        Assert.Equal("Completed", final["runtimeStatus"]!.GetValue<string>());
        var all = await spans.WaitForAsync(s => s.Any(a => a.OperationName == "run joined" && a.GetTagItem(TraceAttributes.InstanceId) as string == id), ct);

        var record = await app.Services.GetRequiredService<InstanceStore>().GetAsync(id, ct);
        Assert.Equal(caller.ToHexString(), record?.State.Trace?.TraceId);
        var ofInstance = all.Where(s => s.GetTagItem(TraceAttributes.InstanceId) as string == id).ToList();
        Assert.Equal(["activity one", "activity two", "run joined", "start joined"], ofInstance.Select(s => s.OperationName).Order(StringComparer.Ordinal));
        Assert.All(ofInstance, s => Assert.Equal(caller, s.TraceId));
        var start = Assert.Single(ofInstance, s => s.OperationName == "start joined");

        // Under the server span ASP.NET Core started from the caller's traceparent (or the caller's span itself).
        Assert.NotEqual(default, start.ParentSpanId);
        var run = Assert.Single(ofInstance, s => s.OperationName == "run joined");
        Assert.Equal(start.SpanId, run.ParentSpanId);
        Assert.Equal(record!.State.Trace!.RunSpanId(id, 0), run.SpanId);
        Assert.All(ofInstance.Where(s => s.OperationName.StartsWith("activity", StringComparison.Ordinal)), s => Assert.Equal(run.SpanId, s.ParentSpanId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Start_RecordPayloads_SpansCarryInputsAndOutputsOnlyWhenOn(bool record)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        var id = $"payloads-{record}-{Guid.NewGuid():N}";
        using var spans = new SpanRecorder();
        using var executor = new LoopbackNodeExecutor(new Dictionary<string, string?>(), s => s.AddTracedActivities());
        var (app, address) = await InProcessStandaloneHost.StartAsync(
            azurite.ConnectionString,
            "traces",
            ct,
            new Dictionary<string, string?> { ["Telemetry:RecordPayloads"] = record ? "true" : "false" },
            executor: executor);
        await using var _ = app;
        using var client = new HttpClient { BaseAddress = address };
        var api = new WorkflowApi(client);
        await api.PutWorkflowAsync("""
            {"name":"payloads","nodes":{"one":{"type":"activity","activity":"echo","input":{"n":"${{ input.n }}"}}},
             "output":"${{ nodes.one.output }}"}
            """, ct);
        await api.StartAsync("payloads", id, """{"n":42}""", ct);
        await api.WaitForFinalAsync(id, ct);

        var all = await spans.WaitForAsync(s => s.Any(a => a.OperationName == "run payloads" && a.GetTagItem(TraceAttributes.InstanceId) as string == id), ct);
        var run = Assert.Single(all, s => s.OperationName == "run payloads" && s.GetTagItem(TraceAttributes.InstanceId) as string == id);
        var attempt = Assert.Single(all, s => s.OperationName == "activity one" && s.GetTagItem(TraceAttributes.InstanceId) as string == id);
        if (record)
        {
            Assert.Equal("""{"n":42}""", run.GetTagItem(TraceAttributes.Input));
            Assert.Equal("""{"n":42}""", run.GetTagItem(TraceAttributes.Output));
            Assert.Equal("""{"n":42}""", attempt.GetTagItem(TraceAttributes.Input));
            Assert.Equal("""{"n":42}""", attempt.GetTagItem(TraceAttributes.Output));
        }
        else
        {
            Assert.All([run, attempt], s => Assert.DoesNotContain(s.TagObjects, t => t.Key is TraceAttributes.Input or TraceAttributes.Output));
        }
    }
}
