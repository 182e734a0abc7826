using System.Text.Json;
using Serverless.Cli.Tests.Infrastructure;

namespace Serverless.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class ListCommandTests(CliFixture fixture)
{
    [Fact]
    public async Task List_FiltersAndPages_FindsTheInstances()
    {
        await fixture.RegisterAsync("cli-list", """{ "a": { "type": "set", "value": 1 } }""");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(0, (await fixture.RunAsync("start", "cli-list", "--id", $"cli-list-{i}")).ExitCode);
        }

        for (var i = 0; i < 5; i++)
        {
            await fixture.WaitForStatusAsync($"cli-list-{i}", "Completed");
        }

        // Five rows over pages of two: three requests, each continuing with the token.
        var all = await fixture.RunAsync("list", "--prefix", "cli-list-", "--page-size", "2", "-o", "jsonl");
        Assert.Equal(0, all.ExitCode);
        var rows = all.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.StartsWith("cli-list-", r.GetProperty("instanceId").GetString(), StringComparison.Ordinal));

        var limited = await fixture.RunAsync("list", "--prefix", "cli-list-", "--page-size", "2", "--limit", "3", "-o", "json");
        Assert.Equal(3, JsonDocument.Parse(limited.Output).RootElement.GetArrayLength());

        var byWorkflow = await fixture.RunAsync("list", "--workflow", "cli-list", "--status", "Completed", "--created-after", "2000-01-01T00:00:00Z", "-o", "json");
        Assert.Equal(5, JsonDocument.Parse(byWorkflow.Output).RootElement.GetArrayLength());

        var none = await fixture.RunAsync("list", "--workflow", "cli-list", "--status", "Failed,Running", "-o", "json");
        Assert.Equal(0, JsonDocument.Parse(none.Output).RootElement.GetArrayLength());

        var before = await fixture.RunAsync("list", "--prefix", "cli-list-", "--created-before", "2000-01-01T00:00:00Z", "-o", "json");
        Assert.Equal(0, JsonDocument.Parse(before.Output).RootElement.GetArrayLength());

        var table = await fixture.RunAsync("list", "--workflow", "cli-list");
        Assert.Contains("cli-list-4", table.Output, StringComparison.Ordinal);
        Assert.Contains("Completed", table.Output, StringComparison.Ordinal);
        Assert.Contains("5 instance(s)", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_BadOption_ExitOne()
    {
        var result = await fixture.RunAsync("list", "--created-after", "yesterday");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--created-after", result.Output, StringComparison.Ordinal);
    }
}
