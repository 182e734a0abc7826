using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Standalone.Tests.Infrastructure;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Standalone.Tests.Runtime;

[Collection(AzuriteCollection.Name)]
public sealed class ExpressionMemoryTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    // Each builds (or would build) hundreds of megabytes to gigabytes of string without the sandbox's limits.
    private static readonly string[] s_expressions =
    [
        "new Array(500).fill('x'.repeat(1000000)).join('').length",
        "new Array(1100).fill('x'.repeat(1000000)).join('').length",
        "(() => { let s = 'x'; for (let i = 0; i < 40; i++) s = s + s; return s.length; })()",
        "'x'.repeat(500000000).length",
        "'x'.padStart(500000000).length",
        "JSON.stringify(new Array(500).fill('x'.repeat(1000000))).length",
        "(() => { let s = 'x'.repeat(1000000); for (let i = 0; i < 40; i++) s = `${s}${s}`; return s.length; })()",
        "'x'.repeat(1000000).replaceAll('x', 'x'.repeat(1000)).length",
        "Array.from({length: 500}, () => 'x'.repeat(1000000)).join('').length",
        "''.concat(...new Array(500).fill('x'.repeat(1000000))).length",
    ];

    [Fact]
    public async Task TenHugeStringExpressionsAtOnce_FailWithExpressionError_HostStaysUnder600MiB()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = cts.Token;
        await using var host = await HostProcess.StartAsync(azurite.ConnectionString, "memory", ct);
        var started = host.WorkingSet();
        try
        {
            // One workflow; the instance's input picks which expression its one node's input evaluates.
            var choices = string.Join(", ", s_expressions.Select(e => "() => " + e));
            var workflow = new JsonObject
            {
                ["name"] = "memory",
                ["nodes"] = new JsonObject
                {
                    ["a"] = new JsonObject { ["type"] = "activity", ["activity"] = "echo", ["input"] = "${{ [" + choices + "][input.k]() }}" },
                },
            };
            await host.Api.PutWorkflowAsync(workflow.ToJsonString(), ct);
            var ids = Enumerable.Range(0, s_expressions.Length).Select(k => $"memory-{k}").ToList();

            await Task.WhenAll(ids.Select((id, k) => host.Api.StartAsync("memory", id, $$"""{"k":{{k}}}""", ct)));
            var peak = started.Current;
            var finals = new JsonObject?[ids.Count];
            while (finals.Any(f => f is null))
            {
                peak = Math.Max(peak, host.WorkingSet().Current);
                for (var i = 0; i < ids.Count; i++)
                {
                    var (_, body) = await host.Api.StatusAsync(ids[i], ct);
                    if (body?["runtimeStatus"]?.GetValue<string>() is "Completed" or "Failed" or "Terminated")
                    {
                        finals[i] = body;
                    }
                }

                await Poll.PauseAsync(ct);
            }

            var highWater = host.WorkingSet().Peak;
            output.WriteLine($"working set: {started.Current / MiB} MiB after start, {peak / MiB} MiB sampled peak, {highWater / MiB} MiB high-water mark");
            for (var i = 0; i < ids.Count; i++)
            {
                Assert.Equal("Failed", finals[i]!["runtimeStatus"]!.GetValue<string>());
                var nodes = await host.Client.GetFromJsonAsync<JsonObject>($"/api/instances/{ids[i]}/nodes", ct);
                var error = nodes!["nodes"]![0]!["error"]!;
                Assert.Equal("ExpressionError", error["type"]!.GetValue<string>());
                Assert.Contains("limit", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
            }

            Assert.True(highWater < 600 * MiB, $"the host's working set reached {highWater / MiB} MiB");
        }
        catch
        {
            output.WriteLine("host:\n" + host.Output);
            throw;
        }
    }
}
