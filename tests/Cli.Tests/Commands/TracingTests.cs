using System.Diagnostics;
using Serverless.Cli.Commands;
using Serverless.Cli.Tests.Infrastructure;
using Serverless.Engine.Telemetry;
using Serverless.Testing;

namespace Serverless.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class TracingTests(CliFixture fixture)
{
    [Fact]
    public async Task Start_WithARecorder_TheInstanceJoinsTheCommandsTrace()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var spans = new SpanRecorder("Microsoft.AspNetCore");
        await fixture.RegisterAsync("cli-traced", """{ "a": { "type": "activity", "activity": "echo", "input": 1 } }""");

        Assert.Equal(0, (await fixture.RunAsync("start", "cli-traced", "--id", "cli-traced-1")).ExitCode);
        await fixture.WaitForStatusAsync("cli-traced-1", "Completed");

        var all = await spans.WaitForAsync(s => s.Any(a => a.OperationName == "run cli-traced"), cts.Token);
        var command = Assert.Single(all, s => s.OperationName == "swf start");
        var post = Assert.Single(all, s => s.OperationName == "POST" && s.ParentSpanId == command.SpanId);
        Assert.Equal(ActivityKind.Client, post.Kind);
        Assert.Equal(202, post.GetTagItem("http.response.status_code"));
        Assert.EndsWith("/api/workflows/cli-traced/instances", (string)post.GetTagItem("url.full")!, StringComparison.Ordinal);

        // The host continued the command's trace: its server span under the client span, the start under that, and the
        // instance's run under the start.
        var server = Assert.Single(all, s => s.Kind == ActivityKind.Server && s.ParentSpanId == post.SpanId);
        var start = Assert.Single(all, s => s.OperationName == "start cli-traced" && s.ParentSpanId == server.SpanId);
        var run = Assert.Single(all, s => s.OperationName == "run cli-traced");
        Assert.Equal(start.SpanId, run.ParentSpanId);
        Assert.Equal(command.TraceId, run.TraceId);
        Assert.Equal("cli-traced-1", run.GetTagItem(TraceAttributes.InstanceId));
    }

    [Fact]
    public void Parent_TraceparentInTheEnvironment_IsTheCommandsParent()
    {
        var parent = CommandTrace.Parent(name => name == "TRACEPARENT" ? "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" : null);

        Assert.Equal("0af7651916cd43dd8448eb211c80319c", parent.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", parent.SpanId.ToHexString());
        Assert.Equal(default, CommandTrace.Parent(name => name == "TRACEPARENT" ? "not a traceparent" : null));
        Assert.Equal(default, CommandTrace.Parent(_ => null));
    }
}
