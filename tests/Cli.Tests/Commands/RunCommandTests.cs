using System.Text.Json;
using Serverless.Cli.Tests.Infrastructure;

namespace Serverless.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class RunCommandTests(CliFixture fixture)
{
    [Fact]
    public async Task Start_PrintsTheId()
    {
        await fixture.RegisterAsync("cli-start", """{ "a": { "type": "activity", "activity": "echo", "input": "${{ input }}" } }""", "\"${{ nodes.a.output }}\"");
        var input = fixture.WriteFile("start-input.json", """{ "n": 7 }""");
        var result = await fixture.RunAsync("start", "cli-start", "--input", "@" + input, "--id", "cli-start-1", "--version", "1");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("cli-start-1", result.Output.Trim());
        await fixture.WaitForStatusAsync("cli-start-1", "Completed");
    }

    [Fact]
    public async Task Run_Completes_PrintsOutputExitZero()
    {
        await fixture.RegisterAsync("cli-echo", """{ "a": { "type": "activity", "activity": "echo", "input": "${{ input }}" } }""", "\"${{ nodes.a.output }}\"");
        var result = await fixture.RunAsync("run", "cli-echo", "--input", """{"hello":"world"}""");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Completed", result.Output, StringComparison.Ordinal);
        Assert.Contains("\"hello\": \"world\"", result.Output, StringComparison.Ordinal);

        var json = await fixture.RunAsync("run", "cli-echo", "--input", "5", "-o", "json");
        var status = JsonDocument.Parse(json.Output).RootElement;
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.Equal(5, status.GetProperty("output").GetInt32());
    }

    [Fact]
    public async Task Run_Fails_ExitTwo()
    {
        await fixture.RegisterAsync("cli-fail", """{ "a": { "type": "activity", "activity": "fail", "input": { "type": "Boom", "message": "it broke" } } }""");
        var result = await fixture.RunAsync("run", "cli-fail");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Failed", result.Output, StringComparison.Ordinal);
        Assert.Contains("it broke", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Terminated_ExitThree()
    {
        await fixture.RegisterAsync("cli-wait", """{ "approval": { "type": "event", "event": "approval", "timeout": "P1D" } }""");
        var run = fixture.RunAsync("run", "cli-wait", "--id", "cli-run-terminated");
        await fixture.WaitForStatusAsync("cli-run-terminated", "Running");
        var terminate = await fixture.RunAsync("terminate", "cli-run-terminated", "--reason", "enough");
        Assert.Equal(0, terminate.ExitCode);

        var result = await run;
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Terminated", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Timeout_ExitThree()
    {
        await fixture.RegisterAsync("cli-wait", """{ "approval": { "type": "event", "event": "approval", "timeout": "P1D" } }""");
        var result = await fixture.RunAsync("run", "cli-wait", "--id", "cli-run-timeout", "--timeout", "1s");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("timed out", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InputNotJson_ExitOne()
    {
        var result = await fixture.RunAsync("start", "cli-echo", "--input", "{nope");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--input is not JSON", result.Output, StringComparison.Ordinal);
    }
}
