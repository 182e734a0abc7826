using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using Serverless.DurableTask.Http;
using Serverless.Engine.Telemetry;
using Serverless.Testing;

namespace Serverless.DurableTask.Tests.Telemetry;

/// <summary>
/// The spans of instances on the Durable Task engine (Azure Storage provider on Azurite): one tree per instance in its
/// start request's trace, emitted once however often the orchestration replays or continues as new.
/// </summary>
[Collection(TracedTaskHubCollection.Name)]
public sealed class DurableTraceTests(TracedTaskHubFixture fixture)
{
    private static CancellationToken Timeout(int seconds = 90) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static ActivityContext Caller() => new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);

    private static string? Tag(Activity span, string name) => span.GetTagItem(name)?.ToString();

    [Fact]
    public async Task Instance_FanOutRetryEventAndHttp_YieldsExactlyTheExpectedTree()
    {
        var ct = Timeout();
        var caller = Caller();
        await StartAsync(TracedWorkflows.FanOutRetryEvent("dt-traced", fixture.Echo.BaseUri), "dt-traced-1", caller, ct);
        await WaitUntilRunningAsync("dt-traced-1", "approve", ct);
        await fixture.Hub.Client.RaiseEventAsync("dt-traced-1", "approve", true, ct);
        var meta = await fixture.Hub.WaitAsync("dt-traced-1", ct);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, meta.RuntimeStatus);

        var spans = await fixture.Spans.WaitForAsync(s => s.Any(a => a.OperationName == "run dt-traced" && Tag(a, TraceAttributes.InstanceId) == "dt-traced-1"), ct);
        var tree = spans.Where(a => a.TraceId == caller.TraceId).ToList();
        var trace = InstanceTrace.Under(caller);
        var run = Assert.Single(tree, s => s.OperationName == "run dt-traced");
        Assert.Equal(ActivityKind.Consumer, run.Kind);
        Assert.Equal(caller.SpanId, run.ParentSpanId);
        Assert.Equal(trace.RunSpanId("dt-traced-1", 0), run.SpanId);
        Assert.Equal("completed", Tag(run, TraceAttributes.Result));

        var children = tree.Where(s => s != run).ToList();
        Assert.All(children, s => Assert.Equal(run.SpanId, s.ParentSpanId));
        Assert.Equal(
            ["GET fetch", "activity flaky", "activity flaky", "activity one", "activity one", "event approve", "retry flaky", "wait for approve"],
            children.Select(s => s.OperationName).Order(StringComparer.Ordinal));
        Assert.Equal(ActivityKind.Client, Assert.Single(children, s => s.OperationName == "GET fetch").Kind);
        var attempts = children.Where(s => s.OperationName == "activity flaky").OrderBy(s => Tag(s, TraceAttributes.Attempt), StringComparer.Ordinal).ToList();
        Assert.Equal(["1", "2"], attempts.Select(s => Tag(s, TraceAttributes.Attempt)));
        Assert.Equal(ActivityStatusCode.Error, attempts[0].Status);
        Assert.NotEqual(ActivityStatusCode.Error, attempts[1].Status);
        Assert.Equal(["0", "1"], children.Where(s => s.OperationName == "activity one").Select(s => Tag(s, TraceAttributes.Iteration)).Order(StringComparer.Ordinal));
        Assert.Empty(Assert.Single(children, s => s.OperationName == "event approve").Links);
    }

    [Fact]
    public async Task HttpNode_DownstreamTraceParent_NamesTheNodeSpanAsParent()
    {
        var ct = Timeout();
        var caller = Caller();
        var marker = Guid.NewGuid().ToString("N");
        await StartAsync(
            """{"name":"dt-trace-http","nodes":{"fetch":{"type":"http","request":{"method":"GET","url":"ECHO/calls/MARKER"}}}}"""
                .Replace("ECHO/", fixture.Echo.BaseUri.ToString(), StringComparison.Ordinal)
                .Replace("MARKER", marker, StringComparison.Ordinal),
            "dt-trace-http-1",
            caller,
            ct);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await fixture.Hub.WaitAsync("dt-trace-http-1", ct)).RuntimeStatus);

        var spans = await fixture.Spans.WaitForAsync(s => s.Any(a => a.OperationName == "run dt-trace-http" && a.TraceId == caller.TraceId), ct);
        var node = Assert.Single(spans, s => s.TraceId == caller.TraceId && s.OperationName == "GET fetch");
        var request = Assert.Single(fixture.Echo.Requests, r => r.Path.EndsWith(marker, StringComparison.Ordinal));
        Assert.True(request.Headers.TryGetValue("traceparent", out var traceparent), "the downstream request carries a traceparent");
        Assert.True(ActivityContext.TryParse(traceparent, null, out var downstream), traceparent);
        Assert.Equal(caller.TraceId, downstream.TraceId);
        Assert.Equal(node.SpanId, downstream.SpanId);
    }

    [Fact]
    public async Task LongInstance_ReplaysAndContinuesAsNew_EmitsEachSpanOnce()
    {
        var ct = Timeout(120);
        var caller = Caller();
        await StartAsync(
            """
            {"name":"dt-trace-long","nodes":{
              "each":{"type":"foreach","items":"${{ input }}","maxConcurrency":0,"body":{"nodes":{
                "one":{"type":"activity","activity":"echo","input":"${{ item }}"}}}},
              "pause":{"type":"wait","duration":"PT0.2S","runAfter":["each"]},
              "go":{"type":"event","event":"go","runAfter":["pause"]}}}
            """,
            "dt-trace-long-1",
            caller,
            ct,
            JsonSerializer.SerializeToElement(Enumerable.Range(1, 60)));
        await WaitUntilRunningAsync("dt-trace-long-1", "go", ct);
        await fixture.Hub.Client.RaiseEventAsync("dt-trace-long-1", "go", "now", ct);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await fixture.Hub.WaitAsync("dt-trace-long-1", ct)).RuntimeStatus);
        var checkpoint = await fixture.Hub.Checkpoints.LoadAsync("dt-trace-long-1", ct);
        Assert.True(checkpoint!.Generation > 0, "the instance continued as new");

        var spans = await fixture.Spans.WaitForAsync(s => s.Any(a => a.OperationName == "run dt-trace-long" && a.TraceId == caller.TraceId), ct);
        var tree = spans.Where(s => s.TraceId == caller.TraceId).ToList();
        var run = Assert.Single(tree, s => s.OperationName == "run dt-trace-long");
        Assert.Single(tree, s => s.OperationName == "wait pause");
        Assert.Single(tree, s => s.OperationName == "wait for go");
        Assert.Single(tree, s => s.OperationName == "event go");
        var attempts = tree.Where(s => s.OperationName == "activity one").ToList();
        Assert.Equal(60, attempts.Select(s => Tag(s, TraceAttributes.NodePath)).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(60, attempts.Count);
        Assert.Equal(64, tree.Count);
        Assert.All(tree.Where(s => s != run), s => Assert.Equal(run.SpanId, s.ParentSpanId));
    }

    [Fact]
    public async Task Terminate_ThroughTheBackend_EmitsOneTerminatedRunSpanAndRunMetrics()
    {
        var ct = Timeout();
        var caller = Caller();
        using var measurements = new WorkflowMeasurements();
        await StartAsync("""{"name":"dt-trace-term","nodes":{"approve":{"type":"event","event":"approve"}}}""", "dt-trace-term-1", caller, ct);
        await WaitUntilRunningAsync("dt-trace-term-1", "approve", ct);
        var backend = new DurableInstanceBackend(fixture.Hub.Client, fixture.Hub.Checkpoints);

        Assert.Null(await backend.TerminateAsync("dt-trace-term-1", "enough", ct));
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await fixture.Hub.WaitAsync("dt-trace-term-1", ct)).RuntimeStatus);
        Assert.NotNull(await backend.TerminateAsync("dt-trace-term-1", "again", ct));

        var run = Assert.Single(fixture.Spans.InTrace(caller.TraceId), s => s.OperationName == "run dt-trace-term");
        Assert.Equal("terminated", Tag(run, TraceAttributes.Result));
        Assert.Equal(caller.SpanId, run.ParentSpanId);
        Assert.Equal(InstanceTrace.Under(caller).RunSpanId("dt-trace-term-1", 0), run.SpanId);
        Assert.Equal("dt-trace-term-1", Tag(run, TraceAttributes.InstanceId));
        Assert.Equal("0", Tag(run, TraceAttributes.Epoch));
        var measured = measurements.Of("dt-trace-term");
        Assert.Equal(0, measured.Where(m => m.Instrument == "workflow.run.active").Sum(m => m.Value));
        Assert.Single(measured, m => m.Instrument == "workflow.run.duration" && m.Tag(TraceAttributes.Result) == "terminated");
    }

    [Fact]
    public async Task ChildWorkflow_RunSpan_IsInTheParentsTraceUnderTheParentsRun()
    {
        var ct = Timeout();
        var caller = Caller();
        await fixture.Hub.RegisterAsync("""{"name":"dt-trace-child","nodes":{"one":{"type":"activity","activity":"echo","input":"${{ input }}"}},"output":"${{ nodes.one.output }}"}""", ct);
        await StartAsync(
            """{"name":"dt-trace-parent","nodes":{"sub":{"type":"workflow","workflow":"dt-trace-child","input":7}},"output":"${{ nodes.sub.output }}"}""",
            "dt-trace-parent-1",
            caller,
            ct);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await fixture.Hub.WaitAsync("dt-trace-parent-1", ct)).RuntimeStatus);

        var spans = await fixture.Spans.WaitForAsync(
            s => s.Count(a => a.TraceId == caller.TraceId && a.OperationName is "run dt-trace-parent" or "run dt-trace-child") == 2, ct);
        var parent = Assert.Single(spans, s => s.TraceId == caller.TraceId && s.OperationName == "run dt-trace-parent");
        var child = Assert.Single(spans, s => s.TraceId == caller.TraceId && s.OperationName == "run dt-trace-child");
        Assert.Equal(InstanceTrace.Under(caller).RunSpanId("dt-trace-parent-1", 0), parent.SpanId);
        Assert.Equal(parent.SpanId, child.ParentSpanId);
        var childAttempt = Assert.Single(spans, s => s.TraceId == caller.TraceId && s.OperationName == "activity one");
        Assert.Equal(child.SpanId, childAttempt.ParentSpanId);
    }

    // Registers the definition and starts it through the backend the HTTP API uses, in a trace under caller.
    private async Task StartAsync(string definition, string instanceId, ActivityContext caller, CancellationToken ct, JsonElement? input = null)
    {
        var version = await fixture.Hub.RegisterAsync(definition, ct);
        var name = JsonNode.Parse(definition)!["name"]!.GetValue<string>();
        var plan = await fixture.Hub.Registry.ResolveAsync(name, version, ct);
        var backend = new DurableInstanceBackend(fixture.Hub.Client, fixture.Hub.Checkpoints);
        Assert.Null(await backend.StartAsync(plan!, instanceId, input ?? Json("{}"), InstanceTrace.Under(caller), ct));
    }

    // Polls (bounded by the token) until the instance's custom status lists the node as running.
    private async Task WaitUntilRunningAsync(string instanceId, string node, CancellationToken ct)
    {
        while (true)
        {
            var instance = await fixture.Hub.Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, ct);
            var running = instance?.SerializedCustomStatus is { } status ? JsonNode.Parse(status)?["running"]?.AsArray() : null;
            if (running?.Any(n => n?.GetValue<string>() == node) == true)
            {
                return;
            }

            await Task.Delay(50, ct);
        }
    }
}
