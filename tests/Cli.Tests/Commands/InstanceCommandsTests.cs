using System.Text.Json;
using Serverless.Cli.Tests.Infrastructure;

namespace Serverless.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class InstanceCommandsTests(CliFixture fixture)
{
    [Fact]
    public async Task DescribeNodesTrace_FinalInstance_RenderTheTree()
    {
        await fixture.RegisterAsync(
            "cli-tree",
            """{ "first": { "type": "activity", "activity": "echo", "input": [1, 2] }, "each": { "type": "foreach", "items": "${{ nodes.first.output }}", "runAfter": ["first"], "body": { "nodes": { "x": { "type": "activity", "activity": "echo", "input": "${{ item }}" } } } } }""");
        var run = await fixture.RunAsync("run", "cli-tree", "--id", "cli-tree-1");
        Assert.Equal(0, run.ExitCode);

        var describe = await fixture.RunAsync("describe", "cli-tree-1");
        Assert.Contains("cli-tree-1", describe.Output, StringComparison.Ordinal);
        Assert.Contains("Completed", describe.Output, StringComparison.Ordinal);
        var describeJson = JsonDocument.Parse((await fixture.RunAsync("describe", "cli-tree-1", "-o", "json")).Output).RootElement;
        Assert.Equal("Completed", describeJson.GetProperty("runtimeStatus").GetString());

        var nodes = await fixture.RunAsync("nodes", "cli-tree-1");
        Assert.Contains("each[1].x", nodes.Output, StringComparison.Ordinal);
        var nodesJson = JsonDocument.Parse((await fixture.RunAsync("nodes", "cli-tree-1", "-o", "json")).Output).RootElement;
        Assert.Contains(nodesJson.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("path").GetString() == "each[0].x");

        var trace = await fixture.RunAsync("trace", "cli-tree-1");
        Assert.Equal(0, trace.ExitCode);
        var lines = trace.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("✔ cli-tree-1 cli-tree v1 Completed", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("items 2/2 done, 0 failed, 0 active", StringComparison.Ordinal));

        // An iteration's node is drawn deeper than its iteration, which is deeper than the foreach.
        int Depth(string text) => lines.First(l => l.Contains(text, StringComparison.Ordinal)).IndexOf('✔', StringComparison.Ordinal);
        Assert.True(Depth(" each succeeded") < Depth(" each[0] ") && Depth(" each[0] ") < Depth(" each[0].x "), trace.Output);

        var follow = await fixture.RunAsync("trace", "cli-tree-1", "--follow");
        Assert.Equal(0, follow.ExitCode);
        Assert.Contains("each[1].x", follow.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TraceFollow_OnATerminal_UsesTheLiveDisplayUntilFinal()
    {
        await fixture.RegisterAsync("cli-live", """{ "approval": { "type": "event", "event": "go" }, "after": { "type": "set", "runAfter": ["approval"], "value": 1 } }""");
        Assert.Equal(0, (await fixture.RunAsync("start", "cli-live", "--id", "cli-live-1")).ExitCode);
        await fixture.WaitForStatusAsync("cli-live-1", "Running");

        // The event is raised once the live display has drawn the waiting instance, so there is a change to redraw.
        var (follow, console) = fixture.StartOnTerminal("trace", "cli-live-1", "--follow");
        await CliFixture.WaitForOutputAsync(console, "Running");
        Assert.Equal(0, (await fixture.RunAsync("raise", "cli-live-1", "go", "--data", "{}")).ExitCode);
        var result = await follow;

        // The live display redraws in place (the cursor moves back up over the tree: ESC [ n A) and the command ends
        // with the instance final; the plain form's test checks each change is followed.
        Assert.Equal(0, result.ExitCode);
        Assert.Matches("\u001b\\[[0-9]+A", result.Output);
        Assert.Contains("Completed", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Running", result.Output[result.Output.LastIndexOf("cli-live-1", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TraceFollow_RunningInstance_EndsWhenFinal()
    {
        await fixture.RegisterAsync("cli-approve", """{ "approval": { "type": "event", "event": "approval", "timeout": "P1D" } }""", "\"${{ nodes.approval.output }}\"");
        Assert.Equal(0, (await fixture.RunAsync("start", "cli-approve", "--id", "cli-approve-1")).ExitCode);
        await fixture.WaitForStatusAsync("cli-approve-1", "Running");

        var waiting = await fixture.RunAsync("trace", "cli-approve-1");
        Assert.Contains("waits for event 'approval'", waiting.Output, StringComparison.Ordinal);

        var follow = fixture.RunAsync("trace", "cli-approve-1", "--follow");
        var data = fixture.WriteFile("approval.json", """{ "ok": true }""");
        var raise = await fixture.RunAsync("raise", "cli-approve-1", "approval", "--data", "@" + data);
        Assert.Equal(0, raise.ExitCode);
        Assert.Contains("raised 'approval' on cli-approve-1", raise.Output, StringComparison.Ordinal);

        var result = await follow;
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Completed", result.Output, StringComparison.Ordinal);
        var status = (await fixture.StatusAsync("cli-approve-1"))!.Value;
        Assert.True(status.GetProperty("output").GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task SuspendResumeTerminatePurge_OneInstance()
    {
        await fixture.RegisterAsync("cli-approve", """{ "approval": { "type": "event", "event": "approval", "timeout": "P1D" } }""", "\"${{ nodes.approval.output }}\"");
        await fixture.RunAsync("start", "cli-approve", "--id", "cli-ctl-1");
        await fixture.WaitForStatusAsync("cli-ctl-1", "Running");

        Assert.Equal(0, (await fixture.RunAsync("suspend", "cli-ctl-1", "--reason", "maintenance")).ExitCode);
        await fixture.WaitForStatusAsync("cli-ctl-1", "Suspended");
        Assert.Equal(0, (await fixture.RunAsync("resume", "cli-ctl-1", "--reason", "done")).ExitCode);
        await fixture.WaitForStatusAsync("cli-ctl-1", "Running");

        var purgeRunning = await fixture.RunAsync("purge", "cli-ctl-1");
        Assert.Equal(1, purgeRunning.ExitCode);
        Assert.Contains("409 Conflict", purgeRunning.Output, StringComparison.Ordinal);

        var terminate = await fixture.RunAsync("terminate", "cli-ctl-1", "--reason", "cancelled by test");
        Assert.Contains("terminated cli-ctl-1", terminate.Output, StringComparison.Ordinal);
        await fixture.WaitForStatusAsync("cli-ctl-1", "Terminated");

        var gone = await fixture.RunAsync("raise", "cli-ctl-1", "approval");
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("410 Gone", gone.Output, StringComparison.Ordinal);

        var purge = await fixture.RunAsync("purge", "cli-ctl-1", "-o", "json");
        Assert.Equal(0, purge.ExitCode);
        Assert.Equal(1, JsonDocument.Parse(purge.Output).RootElement.GetProperty("body").GetProperty("instancesDeleted").GetInt32());
        Assert.Null(await fixture.StatusAsync("cli-ctl-1"));
    }

    [Fact]
    public async Task Rerun_FailedInstance_Completes()
    {
        await fixture.RegisterAsync("cli-rerun", """{ "a": { "type": "activity", "activity": "fail-first-epoch", "input": 3 } }""", "\"${{ nodes.a.output }}\"");
        Assert.Equal(2, (await fixture.RunAsync("run", "cli-rerun", "--id", "cli-rerun-1")).ExitCode);

        var rerun = await fixture.RunAsync("rerun", "cli-rerun-1");
        Assert.Equal(0, rerun.ExitCode);
        await fixture.WaitForStatusAsync("cli-rerun-1", "Completed");
    }

    [Fact]
    public async Task RaiseBatch_DryRunCountsThenYesRaisesOnEveryMatch()
    {
        await fixture.RegisterAsync("cli-raise-all", """{ "approval": { "type": "event", "event": "go" } }""", "\"${{ nodes.approval.output }}\"");
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(0, (await fixture.RunAsync("start", "cli-raise-all", "--id", $"cli-raise-all-{i}")).ExitCode);
            await fixture.WaitForStatusAsync($"cli-raise-all-{i}", "Running");
        }

        var neither = await fixture.RunAsync("raise", "go");
        Assert.Equal(1, neither.ExitCode);

        var dry = await fixture.RunAsync("raise", "go", "--data", "{\"n\":1}", "--workflow", "cli-raise-all", "--status", "Running");
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains("2 instance(s) match; run again with --yes to raise 'go' on them", dry.Output, StringComparison.Ordinal);
        Assert.Equal("Running", (await fixture.StatusAsync("cli-raise-all-0"))!.Value.GetProperty("runtimeStatus").GetString());

        var yes = await fixture.RunAsync("raise", "go", "--data", "{\"n\":1}", "--workflow", "cli-raise-all", "--status", "Running", "--yes");
        Assert.Equal(0, yes.ExitCode);
        Assert.Contains("raised 'go' on 2 of 2 instance(s)", yes.Output, StringComparison.Ordinal);
        for (var i = 0; i < 2; i++)
        {
            await fixture.WaitForStatusAsync($"cli-raise-all-{i}", "Completed");
            Assert.Equal(1, (await fixture.StatusAsync($"cli-raise-all-{i}"))!.Value.GetProperty("output").GetProperty("n").GetInt32());
        }
    }

    [Fact]
    public async Task Trace_AParent_ShowsItsChildWorkflowsNodesUnderTheNodeThatStartedIt()
    {
        await fixture.RegisterAsync("cli-child", """{ "childstep": { "type": "set", "value": 2 } }""");
        await fixture.RegisterAsync("cli-parent", """{ "call": { "type": "workflow", "workflow": "cli-child" }, "after": { "type": "set", "runAfter": ["call"], "value": 1 } }""");
        Assert.Equal(0, (await fixture.RunAsync("run", "cli-parent", "--id", "cli-parent-1")).ExitCode);

        var trace = await fixture.RunAsync("trace", "cli-parent-1");

        Assert.Equal(0, trace.ExitCode);
        var lines = trace.Output.Split('\n');
        var call = Array.FindIndex(lines, l => l.Contains("call", StringComparison.Ordinal) && l.Contains("child cli-parent-1:call:", StringComparison.Ordinal));
        var child = Array.FindIndex(lines, l => l.Contains("cli-child v1", StringComparison.Ordinal));
        var step = Array.FindIndex(lines, l => l.Contains("childstep", StringComparison.Ordinal));
        Assert.True(call >= 0 && child > call && step > child, trace.Output);
        Assert.True(lines[step].IndexOf("childstep", StringComparison.Ordinal) > lines[call].IndexOf("call", StringComparison.Ordinal), "the child's nodes are indented under the node that started it");
    }

    [Fact]
    public async Task PurgeBatch_DryRunCountsThenYesPurges()
    {
        await fixture.RegisterAsync("cli-batch", """{ "a": { "type": "set", "value": 1 } }""");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, (await fixture.RunAsync("run", "cli-batch", "--id", $"cli-batch-{i}")).ExitCode);
        }

        var dry = await fixture.RunAsync("purge", "--workflow", "cli-batch", "--status", "Completed");
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains("3 instance(s) match", dry.Output, StringComparison.Ordinal);
        Assert.NotNull(await fixture.StatusAsync("cli-batch-0"));

        var dryJson = JsonDocument.Parse((await fixture.RunAsync("purge", "--prefix", "cli-batch-", "-o", "json")).Output).RootElement;
        Assert.Equal(3, dryJson.GetProperty("count").GetInt32());
        Assert.True(dryJson.GetProperty("dryRun").GetBoolean());

        var yes = await fixture.RunAsync("purge", "--workflow", "cli-batch", "--status", "Completed", "--yes");
        Assert.Equal(0, yes.ExitCode);
        Assert.Contains("purged 3 of 3 instance(s)", yes.Output, StringComparison.Ordinal);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await fixture.StatusAsync($"cli-batch-{i}"));
        }
    }

    [Fact]
    public async Task Action_NeitherIdNorFilter_ExitOne()
    {
        var result = await fixture.RunAsync("terminate");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Give an instance id", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_Unknown_ShowsServerMessageExitOne()
    {
        var result = await fixture.RunAsync("describe", "cli-nobody-here");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("404 NotFound", result.Output, StringComparison.Ordinal);
        Assert.Contains("cli-nobody-here", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKey_Unauthorized_ExitOneAndNoKeyPrinted()
    {
        var config = fixture.WriteFile("wrong-key.json", $$"""{ "profiles": { "bad": { "endpoint": "{{fixture.BaseUrl}}", "key": "wrong-key-123" } } }""");
        var result = await CliFixture.RunOfflineAsync("list", "--config", config, "--profile", "bad");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("401", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key-123", result.Output, StringComparison.Ordinal);
    }
}
