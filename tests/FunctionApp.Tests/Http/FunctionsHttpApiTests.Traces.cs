using System.Diagnostics;
using System.Net;
using Serverless.Engine.Telemetry;
using Serverless.Testing;

namespace Serverless.FunctionApp.Tests.Http;

/// <summary>The Functions app's start function continues the caller's trace: the instance's spans are in it.</summary>
public sealed partial class FunctionsHttpApiTests
{
    [Fact]
    public async Task Start_WithTraceParent_PutsTheInstanceSpansInTheCallersTrace()
    {
        var ct = Timeout();
        using var spans = new SpanRecorder();
        var caller = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        using var definition = Content("""{"name":"fn-traced","nodes":{"a":{"type":"set","value":1}},"output":"${{ nodes.a.output }}"}""");
        using var registered = await Functions.PutAsync("/api/workflows/fn-traced", definition, ct);
        Assert.True(registered.IsSuccessStatusCode, $"register: {registered.StatusCode}");
        using var start = new HttpRequestMessage(HttpMethod.Post, "/api/workflows/fn-traced/instances?instanceId=fn-traced-1") { Content = Content("{}") };
        start.Headers.Add("traceparent", $"00-{caller.TraceId.ToHexString()}-{caller.SpanId.ToHexString()}-01");

        using var started = await Functions.SendAsync(start, ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        await WaitForAsync(Functions, "fn-traced-1", s => s["runtimeStatus"]!.GetValue<string>() == "Completed", ct);

        var all = await spans.WaitForAsync(s => s.Any(a => a.OperationName == "run fn-traced" && a.GetTagItem(TraceAttributes.InstanceId) as string == "fn-traced-1"), ct);
        var producer = Assert.Single(all, s => s.OperationName == "start fn-traced" && s.GetTagItem(TraceAttributes.InstanceId) as string == "fn-traced-1");
        var run = Assert.Single(all, s => s.OperationName == "run fn-traced" && s.GetTagItem(TraceAttributes.InstanceId) as string == "fn-traced-1");
        Assert.Equal(ActivityKind.Producer, producer.Kind);
        Assert.Equal(caller.TraceId, producer.TraceId);
        Assert.Equal(caller.TraceId, run.TraceId);
        Assert.Equal(producer.SpanId, run.ParentSpanId);
        Assert.All(spans.OfInstance("fn-traced-1"), s => Assert.Equal(caller.TraceId, s.TraceId));
    }

    private static StringContent Content(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
