using System.Text.Json;
using Serverless.Cli.Tests.Infrastructure;

namespace Serverless.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class WorkflowCommandsTests(CliFixture fixture)
{
    [Fact]
    public async Task Register_NewThenSame_PrintsVersion()
    {
        var file = fixture.WriteFile("reg.json", """{ "name": "cli-reg", "nodes": { "a": { "type": "set", "value": 1 } } }""");
        var first = await fixture.RunAsync("register", file);
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("registered cli-reg version 1", first.Output, StringComparison.Ordinal);

        var again = await fixture.RunAsync("register", file);
        Assert.Contains("cli-reg unchanged: version 1", again.Output, StringComparison.Ordinal);

        fixture.WriteFile("reg.json", """{ "name": "cli-reg", "nodes": { "a": { "type": "set", "value": 2 } } }""");
        var json = await fixture.RunAsync("register", file, "-o", "json");
        Assert.Equal(2, JsonDocument.Parse(json.Output).RootElement.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Register_Invalid_ShowsServerMessageAndDetailsExitOne()
    {
        var file = fixture.WriteFile("reg-bad.json", """{ "name": "cli-reg-bad", "nodes": { "a": { "type": "nope" } } }""");
        var result = await fixture.RunAsync("register", file);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("400 ValidationError: The definition has 1 error(s).", result.Output, StringComparison.Ordinal);
        Assert.Contains("/nodes/a/type", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkflowsListShowDiagram_RegisteredWorkflow_Render()
    {
        await fixture.RegisterAsync(
            "cli-shape",
            """{ "first": { "type": "set", "value": [1, 2] }, "each": { "type": "foreach", "items": "${{ nodes.first.output }}", "runAfter": ["first"], "body": { "nodes": { "x": { "type": "set", "value": "${{ item }}" } } } } }""");

        var list = await fixture.RunAsync("workflows", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("cli-shape", list.Output, StringComparison.Ordinal);

        var listJson = await fixture.RunAsync("workflows", "list", "-o", "json");
        Assert.Contains(JsonDocument.Parse(listJson.Output).RootElement.EnumerateArray(), w => w.GetProperty("name").GetString() == "cli-shape");

        var show = await fixture.RunAsync("workflows", "show", "cli-shape", "--version", "1");
        var definition = JsonDocument.Parse(show.Output).RootElement;
        Assert.Equal("cli-shape", definition.GetProperty("name").GetString());
        Assert.Equal(1, definition.GetProperty("version").GetInt32());

        var mermaid = await fixture.RunAsync("workflows", "diagram", "cli-shape");
        Assert.Equal(0, mermaid.ExitCode);
        Assert.StartsWith("flowchart LR", mermaid.Output, StringComparison.Ordinal);

        var tree = await fixture.RunAsync("workflows", "diagram", "cli-shape", "--format", "tree");
        Assert.Equal(0, tree.ExitCode);
        Assert.Contains("each foreach after first", tree.Output, StringComparison.Ordinal);
        Assert.Contains("x set", tree.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkflowsShow_Unknown_ShowsServerMessageExitOne()
    {
        var result = await fixture.RunAsync("workflows", "show", "cli-nobody");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("404 NotFound: Workflow 'cli-nobody' is not registered.", result.Output, StringComparison.Ordinal);
    }
}
