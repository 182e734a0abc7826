using System.Text.Json;
using Serverless.Cli;
using Spectre.Console.Cli.Testing;

namespace Serverless.FunctionApp.Tests.Http;

/// <summary>
/// The command-line tool against the Functions app's HTTP functions on the Durable Task engine (the same <c>/api</c>
/// routes it uses on the standalone host): validate, register, run, start, raise, trace, list and describe.
/// </summary>
public sealed partial class FunctionsHttpApiTests
{
    [Fact]
    public async Task CliOnTheFunctionsApp_RegistersRunsRaisesAndDescribes()
    {
        var endpoint = Functions.BaseAddress!.ToString().TrimEnd('/');
        var folder = Directory.CreateTempSubdirectory("swf-functions-").FullName;
        var greet = Path.Combine(folder, "fn-cli-greet.json");
        await File.WriteAllTextAsync(greet, """
            { "name": "fn-cli-greet", "nodes": { "hi": { "type": "set", "value": "hello, ${{ input.who }}" } }, "output": "${{ nodes.hi.output }}" }
            """);
        var approve = Path.Combine(folder, "fn-cli-approve.json");
        await File.WriteAllTextAsync(approve, """
            { "name": "fn-cli-approve", "nodes": {
              "approval": { "type": "event", "event": "go" },
              "done": { "type": "set", "runAfter": ["approval"], "value": "${{ nodes.approval.output.ok }}" } },
              "output": "${{ nodes.done.output }}" }
            """);

        Assert.Equal(0, (await Swf("validate", greet)).ExitCode);
        var registered = await Swf("register", greet, "--endpoint", endpoint);
        Assert.Equal(0, registered.ExitCode);
        Assert.Contains("fn-cli-greet version 1", registered.Output, StringComparison.Ordinal);
        Assert.Equal(0, (await Swf("register", approve, "--endpoint", endpoint)).ExitCode);

        // run: start, follow by the long-poll, print the output.
        var run = await Swf("run", "fn-cli-greet", "--input", """{"who":"functions"}""", "--endpoint", endpoint);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"hello, functions\"", run.Output, StringComparison.Ordinal);

        // An event raised before the node waits is queued; trace --follow ends once the instance is final.
        Assert.Equal(0, (await Swf("start", "fn-cli-approve", "--id", "fn-cli-approve-1", "--input", "{}", "--endpoint", endpoint)).ExitCode);
        Assert.Equal(0, (await Swf("raise", "fn-cli-approve-1", "go", "--data", """{"ok":true}""", "--endpoint", endpoint)).ExitCode);
        var trace = await Swf("trace", "fn-cli-approve-1", "--follow", "--endpoint", endpoint);
        Assert.Equal(0, trace.ExitCode);
        Assert.Contains("Completed", trace.Output, StringComparison.Ordinal);

        var described = await Swf("describe", "fn-cli-approve-1", "-o", "json", "--endpoint", endpoint);
        using var status = JsonDocument.Parse(described.Output);
        Assert.Equal("Completed", status.RootElement.GetProperty("runtimeStatus").GetString());
        Assert.True(status.RootElement.GetProperty("output").GetBoolean());

        var listed = await Swf("list", "--workflow", "fn-cli-approve", "-o", "jsonl", "--endpoint", endpoint);
        Assert.Equal(0, listed.ExitCode);
        Assert.Equal(["fn-cli-approve-1"], listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("instanceId").GetString()));
    }

    private static async Task<CommandAppResult> Swf(params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var tester = new CommandAppTester();
        tester.Configure(config => CliApp.Configure(config, tester.Console));
        return await tester.RunAsync(args, timeout.Token);
    }
}
