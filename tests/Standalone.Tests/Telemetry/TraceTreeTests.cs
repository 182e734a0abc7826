using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Engine.Telemetry;
using Serverless.Standalone.Storage;
using Serverless.Standalone.Tests.Infrastructure;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Standalone.Tests.Telemetry;

/// <summary>The spans of one instance on the standalone host, as one tree in the instance's trace (issue 14).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TraceTreeTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task Instance_FanOutRetryEventAndHttp_YieldsExactlyTheExpectedTree()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        var id = $"traced-{Guid.NewGuid():N}";
        using var spans = new SpanRecorder();
        await using var echo = await LoopbackEchoServer.StartAsync(ct);
        using var executor = new LoopbackNodeExecutor(new Dictionary<string, string?>(), s => s.AddTracedActivities());
        var (app, address) = await InProcessStandaloneHost.StartAsync(azurite.ConnectionString, "traces", ct, executor: executor);
        await using var _ = app;
        using var client = new HttpClient { BaseAddress = address };
        var api = new WorkflowApi(client);
        await api.PutWorkflowAsync(TracedWorkflows.FanOutRetryEvent("traced", echo.BaseUri), ct);

        await api.StartAsync("traced", id, "{}", ct);
        await WaitForEventNodeAsync(api, id, "approve", ct);
        Assert.Equal(202, await api.PostAsync($"{WorkflowApi.Instances}/{id}/raiseEvent/approve", "true", ct));
        var final = await api.WaitForFinalAsync(id, ct);
        Assert.Equal("Completed", final["runtimeStatus"]!.GetValue<string>());

        var record = await app.Services.GetRequiredService<InstanceStore>().GetAsync(id, ct);
        var trace = Assert.IsType<InstanceTrace>(record?.State.Trace);
        var traceId = ActivityTraceId.CreateFromString(trace.TraceId);
        var inTrace = await spans.WaitForAsync(s => s.Any(a => a.TraceId == traceId && a.OperationName == "run traced"), ct);
        var tree = inTrace.Where(s => s.TraceId == traceId).ToList();
        try
        {
            AssertTree(tree, trace, record!.State.Version, id, spans.OfInstance(id), echo);
        }
        catch
        {
            foreach (var s in spans.OfInstance(id).Concat(tree).Distinct())
            {
                output.WriteLine($"{s.OperationName} kind={s.Kind} trace={s.TraceId} span={s.SpanId} parent={s.ParentSpanId} status={s.Status} {string.Join(",", s.TagObjects.Select(t => $"{t.Key}={t.Value}"))}");
            }

            throw;
        }
    }

    private static void AssertTree(List<Activity> tree, InstanceTrace trace, int version, string id, IReadOnlyList<Activity> ofInstance, LoopbackEchoServer echo)
    {
        // Exactly these spans in the instance's trace, every one of them the instance's.
        Assert.Equal(
            ["GET fetch", "activity flaky", "activity flaky", "activity one", "activity one", "event approve", "retry flaky", "run traced", "start traced", "wait for approve"],
            tree.Select(s => s.OperationName).Order(StringComparer.Ordinal));
        Assert.All(tree, s =>
        {
            Assert.Equal(id, s.GetTagItem(TraceAttributes.InstanceId));
            Assert.Equal("traced", s.GetTagItem(TraceAttributes.Workflow));
            Assert.Equal(version, s.GetTagItem(TraceAttributes.Version));
        });
        Assert.Equal(tree.Count, tree.Select(s => s.SpanId).Distinct().Count());

        // start (producer, under the request's server span) -> run (consumer, the derived id) -> everything else.
        var start = Assert.Single(tree, s => s.OperationName == "start traced");
        Assert.Equal(ActivityKind.Producer, start.Kind);
        Assert.NotEqual(default, start.ParentSpanId);
        Assert.Equal(start.SpanId.ToHexString(), trace.ParentSpanId);
        var run = Assert.Single(tree, s => s.OperationName == "run traced");
        Assert.Equal(ActivityKind.Consumer, run.Kind);
        Assert.Equal(trace.RunSpanId(id, 0), run.SpanId);
        Assert.Equal(start.SpanId, run.ParentSpanId);
        Assert.Equal("completed", run.GetTagItem(TraceAttributes.Result));
        Assert.Equal(0, Convert.ToInt32(run.GetTagItem(TraceAttributes.Epoch), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ActivityStatusCode.Unset, run.Status);
        Assert.All(tree.Except([start, run]), s => Assert.Equal(run.SpanId, s.ParentSpanId));

        // The http attempt: a client span with the HTTP attributes (no query) whose id the downstream received.
        var fetch = Assert.Single(tree, s => s.OperationName == "GET fetch");
        Assert.Equal(ActivityKind.Client, fetch.Kind);
        AssertNode(fetch, "fetch", "http", "fetch", iteration: null, attempt: 1, "succeeded");
        Assert.Equal("GET", fetch.GetTagItem("http.request.method"));
        Assert.Equal(new Uri(echo.BaseUri, "items").ToString(), fetch.GetTagItem("url.full"));
        Assert.Equal(echo.BaseUri.Host, fetch.GetTagItem("server.address"));
        Assert.Equal(echo.BaseUri.Port, fetch.GetTagItem("server.port"));
        Assert.Equal(200, fetch.GetTagItem("http.response.status_code"));
        var downstream = Assert.Single(echo.Requests);
        Assert.Equal($"00-{trace.TraceId}-{fetch.SpanId.ToHexString()}-01", downstream.Headers.GetValueOrDefault("traceparent"));

        // The foreach body's activity, once per iteration.
        var ones = tree.Where(s => s.OperationName == "activity one").OrderBy(s => s.GetTagItem(TraceAttributes.Iteration)).ToList();
        Assert.Equal(2, ones.Count);
        AssertNode(ones[0], "one", "activity", "each[0].one", iteration: 0, attempt: 1, "succeeded");
        AssertNode(ones[1], "one", "activity", "each[1].one", iteration: 1, attempt: 1, "succeeded");

        // The flaky activity: attempt 1 failed (Timeout), a retry timer, attempt 2 succeeded.
        var flaky = tree.Where(s => s.OperationName == "activity flaky").OrderBy(s => s.GetTagItem(TraceAttributes.Attempt)).ToList();
        Assert.Equal(2, flaky.Count);
        AssertNode(flaky[0], "flaky", "activity", "flaky", iteration: null, attempt: 1, "failed");
        Assert.Equal("Timeout", flaky[0].GetTagItem(TraceAttributes.ErrorType));
        Assert.Equal(ActivityStatusCode.Error, flaky[0].Status);
        AssertNode(flaky[1], "flaky", "activity", "flaky", iteration: null, attempt: 2, "succeeded");
        Assert.Null(flaky[1].GetTagItem(TraceAttributes.ErrorType));
        var retry = Assert.Single(tree, s => s.OperationName == "retry flaky");
        Assert.Equal("retry", retry.GetTagItem(TraceAttributes.TimerPurpose));
        Assert.Equal("flaky", retry.GetTagItem(TraceAttributes.NodeId));
        Assert.Equal(2, retry.GetTagItem(TraceAttributes.Attempt));

        // Every activity attempt was handed the traceparent of its own span.
        var contexts = TracedActivities.Contexts.Values.Where(c => c.InstanceId == id).ToList();
        Assert.Equal(4, contexts.Count);
        Assert.All(contexts, c =>
        {
            var own = Assert.Single(ones.Concat(flaky), s => (string?)s.GetTagItem(TraceAttributes.NodePath) == c.Path && (int?)s.GetTagItem(TraceAttributes.Attempt) == c.Attempt);
            Assert.Equal($"00-{trace.TraceId}-{own.SpanId.ToHexString()}-01", c.TraceParent);
        });

        // The event: a wait that received it, and a consumer span linked to the raise request's producer span.
        var wait = Assert.Single(tree, s => s.OperationName == "wait for approve");
        Assert.Equal("received", wait.GetTagItem(TraceAttributes.Result));
        Assert.Equal("approve", wait.GetTagItem(TraceAttributes.EventName));
        Assert.Equal("approve", wait.GetTagItem(TraceAttributes.NodeId));
        Assert.Equal("event", wait.GetTagItem(TraceAttributes.NodeType));
        var raised = Assert.Single(ofInstance, s => s.OperationName == "raise approve");
        Assert.Equal(ActivityKind.Producer, raised.Kind);
        Assert.NotEqual(run.TraceId, raised.TraceId);
        var @event = Assert.Single(tree, s => s.OperationName == "event approve");
        Assert.Equal(ActivityKind.Consumer, @event.Kind);
        Assert.Equal("approve", @event.GetTagItem(TraceAttributes.EventName));
        var link = Assert.Single(@event.Links);
        Assert.Equal(raised.SpanId, link.Context.SpanId);
        Assert.Equal(raised.TraceId, link.Context.TraceId);
    }

    private static void AssertNode(Activity span, string nodeId, string type, string path, int? iteration, int attempt, string result)
    {
        Assert.Equal(nodeId, span.GetTagItem(TraceAttributes.NodeId));
        Assert.Equal(type, span.GetTagItem(TraceAttributes.NodeType));
        Assert.Equal(path, span.GetTagItem(TraceAttributes.NodePath));
        Assert.Equal(iteration, span.GetTagItem(TraceAttributes.Iteration));
        Assert.Equal(attempt, span.GetTagItem(TraceAttributes.Attempt));
        Assert.Equal(result, span.GetTagItem(TraceAttributes.Result));
    }

    internal static Task WaitForEventNodeAsync(WorkflowApi api, string id, string node, CancellationToken ct)
        => Poll.UntilAsync(
            () => api.StatusAsync(id, ct),
            r => r.Body?["customStatus"]?["running"]?.AsArray().Any(n => n?.GetValue<string>() == node) == true,
            ct,
            $"the event node {node} to wait");
}
