using Serverless.Engine.Telemetry;
using Serverless.Standalone.Tests.Infrastructure;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Standalone.Tests.Telemetry;

/// <summary>
/// Real host processes exporting OTLP/HTTP to a loopback receiver: an instance whose host is killed mid-way and finished
/// by another host has one run span, in the trace of its start request.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RestartTraceTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string Definition = """
        {"name":"restarted","nodes":{
          "first":{"type":"activity","activity":"echo","input":"${{ input.n }}"},
          "approve":{"type":"event","event":"approve","runAfter":["first"]}},
         "output":"${{ nodes.first.output }}"}
        """;

    [Fact]
    public async Task Instance_HostKilledAndAnotherFinishesIt_OneRunSpanInTheStartTrace()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = cts.Token;
        const string hub = "tracekill";
        var id = $"restarted-{Guid.NewGuid():N}";
        await using var otlp = await LoopbackOtlpReceiver.StartAsync(ct);
        var settings = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "60000",
        };
        var first = await HostProcess.StartAsync(azurite.ConnectionString, hub, ct, settings);
        HostProcess? second = null;
        try
        {
            await first.Api.PutWorkflowAsync(Definition, ct);
            await first.Api.StartAsync("restarted", id, """{"n":7}""", ct);
            await TraceTreeTests.WaitForEventNodeAsync(first.Api, id, "approve", ct);

            // What the first host did before it died is exported: its start span and the first node's attempt.
            await otlp.WaitForAsync(s => Of(s, id).Any(x => x.Name == "start restarted") && Of(s, id).Any(x => x.Name == "activity first"), ct);
            first.Kill();

            second = await HostProcess.StartAsync(azurite.ConnectionString, hub, ct, settings);
            Assert.Equal(202, await second.Api.PostAsync($"{WorkflowApi.Instances}/{id}/raiseEvent/approve", "true", ct));
            var final = await second.Api.WaitForFinalAsync(id, ct);
            Assert.Equal("Completed", final["runtimeStatus"]!.GetValue<string>());
            await second.StopAsync(ct);

            var spans = Of(otlp.Spans, id);
            var start = Assert.Single(spans, s => s.Name == "start restarted");
            Assert.Equal(OtlpSpan.Producer, start.Kind);
            var run = Assert.Single(spans, s => s.Name == "run restarted");
            Assert.Equal(OtlpSpan.Consumer, run.Kind);
            Assert.Equal(start.SpanId, run.ParentSpanId);
            Assert.Equal(start.TraceId, run.TraceId);
            Assert.Equal("completed", run.Attribute(TraceAttributes.Result));
            Assert.Equal(new InstanceTrace(start.TraceId, start.SpanId, true).RunSpanId(id, 0).ToHexString(), run.SpanId);

            // Every span of the instance (but the raise request's own, in its caller's trace) is in one trace, under the run.
            var raise = Assert.Single(spans, s => s.Name == "raise approve");
            var tree = spans.Where(s => s != raise).ToList();
            Assert.Equal(
                ["activity first", "event approve", "run restarted", "start restarted", "wait for approve"],
                tree.Select(s => s.Name).Order(StringComparer.Ordinal));
            Assert.All(tree, s => Assert.Equal(start.TraceId, s.TraceId));
            Assert.All(tree.Where(s => s != start && s != run), s => Assert.Equal(run.SpanId, s.ParentSpanId));
            Assert.Equal((raise.TraceId, raise.SpanId), Assert.Single(Assert.Single(tree, s => s.Name == "event approve").Links));
        }
        catch
        {
            foreach (var s in otlp.Spans)
            {
                output.WriteLine($"{s.Name} kind={s.Kind} trace={s.TraceId} span={s.SpanId} parent={s.ParentSpanId} {string.Join(",", s.Attributes.Select(a => $"{a.Key}={a.Value}"))}");
            }

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

    private static List<OtlpSpan> Of(IReadOnlyList<OtlpSpan> spans, string id)
        => [.. spans.Where(s => s.Attribute(TraceAttributes.InstanceId) == id)];
}
