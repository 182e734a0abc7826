using Serverless.Engine.Telemetry;
using Serverless.Standalone.Tests.Infrastructure;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Standalone.Tests.Telemetry;

[Collection(AzuriteCollection.Name)]
public sealed class TraceTreeTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task Instance_FanOutRetryEventAndHttp_YieldsOneTree()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        using var spans = new SpanRecorder();
        await using var echo = await LoopbackEchoServer.StartAsync(ct);
        using var executor = new LoopbackNodeExecutor(new Dictionary<string, string?>(), s => s.AddTracedActivities());
        var (app, address) = await InProcessStandaloneHost.StartAsync(azurite.ConnectionString, "traces", ct, executor: executor);
        await using var _ = app;
        using var client = new HttpClient { BaseAddress = address };
        var api = new WorkflowApi(client);
        await api.PutWorkflowAsync("""
            {"name":"traced","nodes":{
              "fetch":{"type":"http","request":{"method":"GET","url":"ECHO/items?page=1"}},
              "each":{"type":"foreach","items":"${{ [1, 2] }}","runAfter":["fetch"],"body":{"nodes":{
                "one":{"type":"activity","activity":"echo","input":"${{ item }}"}}}},
              "flaky":{"type":"activity","activity":"flaky","input":{"failures":1,"value":3},
                "retry":{"maxAttempts":2,"interval":"PT0.1S","jitter":"none"}},
              "approve":{"type":"event","event":"approve"}},
             "output":"${{ nodes.flaky.output }}"}
            """.Replace("ECHO/", echo.BaseUri.ToString(), StringComparison.Ordinal), ct);
        await api.StartAsync("traced", "traced-1", "{}", ct);
        await Poll.UntilAsync(
            () => api.StatusAsync("traced-1", ct),
            r => r.Body?["customStatus"]?["running"]?.AsArray().Any(n => n?.GetValue<string>() == "approve") == true,
            ct,
            "the event node to wait");
        await api.PostAsync($"{WorkflowApi.Instances}/traced-1/raiseEvent/approve", "true", ct);
        await api.WaitForFinalAsync("traced-1", ct);
        var all = await spans.WaitForAsync(s => s.Any(a => a.OperationName == "run traced" && a.GetTagItem(TraceAttributes.InstanceId) as string == "traced-1"), ct);
        foreach (var s in all.Where(a => a.GetTagItem(TraceAttributes.InstanceId) as string == "traced-1" || a.OperationName.StartsWith("raise", StringComparison.Ordinal)))
        {
            output.WriteLine($"{s.OperationName} kind={s.Kind} trace={s.TraceId} span={s.SpanId} parent={s.ParentSpanId} {s.StartTimeUtc:O} {s.Duration} {string.Join(",", s.TagObjects.Select(t => $"{t.Key}={t.Value}"))}");
        }

        foreach (var r in echo.Requests)
        {
            output.WriteLine($"downstream traceparent={r.Headers.GetValueOrDefault("traceparent")}");
        }
    }
}
