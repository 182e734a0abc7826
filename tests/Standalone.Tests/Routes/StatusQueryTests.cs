using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serverless.Standalone.Tests.Infrastructure;

namespace Serverless.Standalone.Tests.Routes;

/// <summary>The Durable status routes' query parameters and the list's continuation token, as Durable Functions clients use them.</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class StatusQueryTests(AzuriteFixture azurite)
{
    private const string Instances = WorkflowApi.Instances;

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex UrlSafe();

    private static async Task<InProcessHost> CompletedSeqAsync(AzuriteFixture azurite, string id, CancellationToken ct)
    {
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);
        await host.Api.StartAsync("seq", id, "7", ct);
        await host.Api.WaitForFinalAsync(id, ct);
        return host;
    }

    [Fact]
    public async Task Status_ShowInputFalse_OmitsTheInputOnStatusAndList()
    {
        var ct = Timeout();
        var host = await CompletedSeqAsync(azurite, "show-input", ct);

        var with = await host.Client.GetFromJsonAsync<JsonObject>($"{Instances}/show-input", ct);
        var without = await host.Client.GetFromJsonAsync<JsonObject>($"{Instances}/show-input?showInput=FALSE", ct);
        var listed = await host.Client.GetFromJsonAsync<JsonArray>($"{Instances}?instanceIdPrefix=show-input&showInput=false", ct);

        Assert.Equal(7, with!["input"]!["input"]!.GetValue<int>());
        Assert.False(without!.ContainsKey("input"));
        Assert.Equal("Completed", without["runtimeStatus"]!.GetValue<string>());
        Assert.False(Assert.Single(listed!)!.AsObject().ContainsKey("input"));
    }

    [Fact]
    public async Task Status_ShowHistory_ListsTheNodesInDurableFunctionsShape_ResultsOnlyWithShowHistoryOutput()
    {
        var ct = Timeout();
        var host = await CompletedSeqAsync(azurite, "show-history", ct);

        var plain = await host.Client.GetFromJsonAsync<JsonObject>($"{Instances}/show-history", ct);
        var history = (await host.Client.GetFromJsonAsync<JsonObject>($"{Instances}/show-history?showHistory=true", ct))!["historyEvents"]!.AsArray();
        var withOutput = (await host.Client.GetFromJsonAsync<JsonObject>($"{Instances}/show-history?showHistory=true&showHistoryOutput=true", ct))!["historyEvents"]!.AsArray();

        Assert.False(plain!.ContainsKey("historyEvents"));
        Assert.Equal(["ExecutionStarted", "TaskCompleted", "TaskCompleted", "ExecutionCompleted"], history.Select(e => e!["EventType"]!.GetValue<string>()));
        Assert.Equal("seq", history[0]!["FunctionName"]!.GetValue<string>());
        Assert.All(history.Skip(1).Take(2), e =>
        {
            Assert.Equal("echo", e!["FunctionName"]!.GetValue<string>());
            Assert.NotNull(e["ScheduledTime"]);
            Assert.NotNull(e["Timestamp"]);
            Assert.False(e.AsObject().ContainsKey("Result"));
        });
        Assert.Equal(["a", "b"], history.Skip(1).Take(2).Select(e => e!["NodePath"]!.GetValue<string>()));
        Assert.Equal("Completed", history[3]!["OrchestrationStatus"]!.GetValue<string>());
        Assert.Equal([7, 7], withOutput.Skip(1).Take(2).Select(e => e!["Result"]!.GetValue<int>()));
        Assert.Equal(7, withOutput[3]!["Result"]!.GetValue<int>());
    }

    [Fact]
    public async Task Status_ShowHistoryOfAFailedInstance_GivesTheReason()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync("""{"name":"hist-fail","nodes":{"a":{"type":"activity","activity":"no-such-activity"}}}""", ct);
        await host.Api.StartAsync("hist-fail", "hist-fail-1", "{}", ct);
        await host.Api.WaitForFinalAsync("hist-fail-1", ct);

        var history = (await host.Client.GetFromJsonAsync<JsonObject>($"{Instances}/hist-fail-1?showHistory=true", ct))!["historyEvents"]!.AsArray();

        Assert.Equal(["ExecutionStarted", "TaskFailed", "ExecutionFailed"], history.Select(e => e!["EventType"]!.GetValue<string>()));
        Assert.StartsWith("ActivityError: ", history[1]!["Reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("ActivityError: ", history[2]!["Reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("showInput=maybe", "showInput")]
    [InlineData("showHistory=1", "showHistory")]
    [InlineData("showHistory=true&showHistoryOutput=yes", "showHistoryOutput")]
    public async Task Status_NonBooleanFlag_Answers400NamingIt(string query, string name)
    {
        var ct = Timeout();
        var host = await CompletedSeqAsync(azurite, "show-bad", ct);

        using var status = await host.Client.GetAsync($"{Instances}/show-bad?{query}", ct);
        using var list = await host.Client.GetAsync($"{Instances}?{query}", ct);

        foreach (var response in new[] { status, list })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
            Assert.Contains(name, error!.ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task List_ContinuationTokens_AreUrlSafe_AndAGarbageOrForeignTokenAnswers400()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);
        foreach (var id in new[] { "tok-0", "tok-1", "tok-2" })
        {
            await host.Api.StartAsync("seq", id, "1", ct);
            await host.Api.WaitForFinalAsync(id, ct);
        }

        using var first = await host.Client.GetAsync($"{Instances}?instanceIdPrefix=tok-&top=1", ct);
        var token = first.Headers.GetValues("x-ms-continuation-token").Single();

        Assert.Matches(UrlSafe(), token);
        foreach (var (query, sent) in new[] { ("instanceIdPrefix=tok-&top=1", "garbage"), ("instanceIdPrefix=tok-&top=1", "x y"), ("instanceIdPrefix=page-&top=1", token) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{Instances}?{query}");
            request.Headers.TryAddWithoutValidation("x-ms-continuation-token", sent);
            using var response = await host.Client.SendAsync(request, ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("x-ms-continuation-token", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }
    }
}
