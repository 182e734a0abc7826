using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Engine.Replay;

namespace Serverless.FunctionApp.Tests.Http;

/// <summary>
/// The <c>/api/instances</c> aliases of the Durable routes on the Functions app (status, list, raise event, terminate,
/// suspend, resume, purge) over the real Durable Task engine, answering as the standalone host does for the same
/// instance, except where http-api.md says the hosts differ (<c>name</c>; <c>output</c> of a Failed or Terminated
/// instance).
/// </summary>
public sealed partial class FunctionsHttpApiTests
{
    private const string Waiter = """
        {"name":"fn-wait","nodes":{"e":{"type":"event","event":"go"}},"output":"${{ nodes.e.output }}"}
        """;

    private const string Broken = """
        {"name":"fn-broken","nodes":{"stop":{"type":"fail","error":"Broken","message":"it broke"}}}
        """;

    private static readonly string[] StatusFields = ["name", "instanceId", "runtimeStatus", "input", "customStatus", "output", "createdTime", "lastUpdatedTime"];

    [Fact]
    public async Task AliasStatus_RunningThenCompleted_AnswersAsTheStandaloneHost()
    {
        var ct = Timeout();
        await OnBothAsync(HttpMethod.Put, "/api/workflows/fn-wait", Waiter, ct);
        await OnBothAsync(HttpMethod.Post, "/api/workflows/fn-wait/instances?instanceId=fn-wait-1", """{"n":1}""", ct);
        var running = await WaitForAsync(Functions, "fn-wait-1", s => s["runtimeStatus"]!.GetValue<string>() == "Running" && s["customStatus"] is JsonObject, ct);
        var standaloneRunning = await WaitForAsync(fixture.Standalone, "fn-wait-1", s => s["runtimeStatus"]!.GetValue<string>() == "Running", ct);

        using var polled = await Functions.GetAsync("/api/instances/fn-wait-1?showInput=false", ct);
        var withoutInput = JsonNode.Parse(await polled.Content.ReadAsStringAsync(ct))!.AsObject();

        Assert.Equal(StatusFields, running.Select(p => p.Key));
        Assert.Equal("WorkflowOrchestrator", running["name"]!.GetValue<string>());
        Assert.Equal("fn-wait", standaloneRunning["name"]!.GetValue<string>());
        AssertSameStatus(standaloneRunning, running);
        Assert.Equal("""{"workflow":"fn-wait","version":1,"input":{"n":1}}""", running["input"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.Accepted, polled.StatusCode);
        Assert.Equal(new Uri(Functions.BaseAddress!, "/api/instances/fn-wait-1?showInput=false"), polled.Headers.Location);
        Assert.Equal("1", polled.Headers.GetValues("Retry-After").Single());
        Assert.False(withoutInput.ContainsKey("input"));

        await OnBothAsync(HttpMethod.Post, "/api/instances/fn-wait-1/raiseEvent/go", """{"ok":true}""", ct, expected: HttpStatusCode.Accepted);
        await WaitForAsync(Functions, "fn-wait-1", s => s["runtimeStatus"]!.GetValue<string>() == "Completed", ct);
        await WaitForAsync(fixture.Standalone, "fn-wait-1", s => s["runtimeStatus"]!.GetValue<string>() == "Completed", ct);
        using var done = await Functions.GetAsync("/api/instances/fn-wait-1?showHistory=true&showHistoryOutput=true", ct);
        using var standaloneDone = await fixture.Standalone.GetAsync("/api/instances/fn-wait-1?showHistory=true&showHistoryOutput=true", ct);
        var completed = JsonNode.Parse(await done.Content.ReadAsStringAsync(ct))!.AsObject();
        var standaloneCompleted = JsonNode.Parse(await standaloneDone.Content.ReadAsStringAsync(ct))!.AsObject();

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (done.StatusCode, standaloneDone.StatusCode));
        Assert.Null(done.Headers.Location);
        AssertSameStatus(standaloneCompleted, completed);
        Assert.Equal("""{"ok":true}""", completed["output"]!.ToJsonString());
        Assert.Equal(History(standaloneCompleted), History(completed));
        Assert.Equal(["ExecutionStarted", "EventRaised:e", "ExecutionCompleted"], History(completed).Select(e => e.Split(' ')[0]));
    }

    [Fact]
    public async Task AliasStatus_Failed_KeepsTheErrorObjectInCustomStatus_AndOutputIsDurablesFailureText()
    {
        var ct = Timeout();
        await OnBothAsync(HttpMethod.Put, "/api/workflows/fn-broken", Broken, ct);
        await OnBothAsync(HttpMethod.Post, "/api/workflows/fn-broken/instances?instanceId=fn-broken-1", "null", ct);

        var failed = await WaitForAsync(Functions, "fn-broken-1", s => s["runtimeStatus"]!.GetValue<string>() == "Failed", ct);
        var standaloneFailed = await WaitForAsync(fixture.Standalone, "fn-broken-1", s => s["runtimeStatus"]!.GetValue<string>() == "Failed", ct);

        AssertSameStatus(standaloneFailed, failed, "output");
        Assert.Equal("""{"type":"Broken","message":"it broke"}""", standaloneFailed["output"]!.ToJsonString());
        Assert.Equal(standaloneFailed["output"]!.ToJsonString(), failed["customStatus"]!["error"]!.ToJsonString());
        Assert.StartsWith("Broken: it broke", failed["output"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AliasSignals_SuspendEventResume_CompleteOnTheDurableTaskEngine()
    {
        var ct = Timeout();
        await SendAsync(Functions, HttpMethod.Put, "/api/workflows/fn-wait", Waiter, ct);
        await SendAsync(Functions, HttpMethod.Post, "/api/workflows/fn-wait/instances?instanceId=fn-wait-2", "null", ct);
        await WaitForAsync(Functions, "fn-wait-2", s => s["runtimeStatus"]!.GetValue<string>() == "Running", ct);

        using var suspend = await Functions.PostAsync("/api/instances/fn-wait-2/suspend?reason=pause", null, ct);
        await WaitForAsync(Functions, "fn-wait-2", s => s["runtimeStatus"]!.GetValue<string>() == "Suspended", ct);
        using var raise = await SendAsync(Functions, HttpMethod.Post, "/api/instances/fn-wait-2/raiseEvent/go", """{"v":42}""", ct);
        using var whileSuspended = await Functions.GetAsync("/api/instances/fn-wait-2", ct);
        using var resume = await Functions.PostAsync("/api/instances/fn-wait-2/resume?reason=go", null, ct);
        var completed = await WaitForAsync(Functions, "fn-wait-2", s => s["runtimeStatus"]!.GetValue<string>() == "Completed", ct);

        Assert.Equal(
            [HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted],
            [suspend.StatusCode, raise.StatusCode, whileSuspended.StatusCode, resume.StatusCode]);
        Assert.Equal("Suspended", JsonNode.Parse(await whileSuspended.Content.ReadAsStringAsync(ct))!["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("""{"v":42}""", completed["output"]!.ToJsonString());
    }

    [Fact]
    public async Task AliasTerminateAndPurge_AnswerAsTheStandaloneHost_AndPurgeDeletesTheCheckpoint()
    {
        var ct = Timeout();
        await OnBothAsync(HttpMethod.Put, "/api/workflows/fn-wait", Waiter, ct);
        await OnBothAsync(HttpMethod.Post, "/api/workflows/fn-wait/instances?instanceId=fn-wait-3", "null", ct);
        await WaitForAsync(fixture.Standalone, "fn-wait-3", s => s["runtimeStatus"]!.GetValue<string>() == "Running", ct);

        // The orchestration checkpoints once it only waits; the terminate is applied to that checkpoint.
        await Poll(
            async () => JsonNode.Parse(await Functions.GetStringAsync("/api/instances/fn-wait-3/nodes", ct))!["nodes"]!.AsArray().Count,
            count => count == 1,
            ct);
        await AssertSameAnswerAsync(HttpMethod.Delete, "/api/instances/fn-wait-3", null, HttpStatusCode.Conflict, ct);

        await OnBothAsync(HttpMethod.Post, "/api/instances/fn-wait-3/terminate?reason=stop", null, ct, expected: HttpStatusCode.Accepted);
        var terminated = await WaitForAsync(Functions, "fn-wait-3", s => s["runtimeStatus"]!.GetValue<string>() == "Terminated", ct);
        var standaloneTerminated = await WaitForAsync(fixture.Standalone, "fn-wait-3", s => s["runtimeStatus"]!.GetValue<string>() == "Terminated", ct);
        var nodes = JsonNode.Parse(await Functions.GetStringAsync("/api/instances/fn-wait-3/nodes", ct))!["nodes"]!.AsArray();

        AssertSameStatus(standaloneTerminated, terminated, "output");
        Assert.Equal("""{"type":"Terminated","message":"stop"}""", terminated["customStatus"]!["error"]!.ToJsonString());
        Assert.Equal(1, terminated["customStatus"]!["counts"]!["cancelled"]!.GetValue<int>());
        Assert.Equal("stop", terminated["output"]!.GetValue<string>());
        Assert.Equal("cancelled", nodes.Single()!["status"]!.GetValue<string>());
        foreach (var signal in new[] { "raiseEvent/go", "terminate?reason=again", "suspend", "resume" })
        {
            await AssertSameAnswerAsync(HttpMethod.Post, $"/api/instances/fn-wait-3/{signal}", "{}", HttpStatusCode.Gone, ct);
        }

        await AssertSameAnswerAsync(HttpMethod.Delete, "/api/instances/fn-wait-3", null, HttpStatusCode.OK, ct);
        var checkpoint = await fixture.Functions.Services.GetRequiredService<ICheckpointStore>().LoadAsync("fn-wait-3", ct);
        Assert.Null(checkpoint);
        Assert.Null(await fixture.Functions.Durable.GetInstanceAsync("fn-wait-3", ct));
        await AssertSameAnswerAsync(HttpMethod.Get, "/api/instances/fn-wait-3", null, HttpStatusCode.NotFound, ct);
        await AssertSameAnswerAsync(HttpMethod.Delete, "/api/instances/fn-wait-3", null, HttpStatusCode.NotFound, ct);
    }

    [Fact]
    public async Task AliasList_PagesWithUrlSafeTokens_CreatedTimeToExclusive_ForeignTokens400AsTheStandaloneHost()
    {
        var ct = Timeout();
        await SendAsync(Functions, HttpMethod.Put, "/api/workflows/fn-seq", Sequence, ct);
        string[] ids = ["fn-list-0", "fn-list-1", "fn-list-2"];
        foreach (var id in ids)
        {
            await SendAsync(Functions, HttpMethod.Post, $"/api/workflows/fn-seq/instances?instanceId={id}", """{"x":1}""", ct);
        }

        foreach (var id in ids)
        {
            await fixture.Functions.Durable.WaitForInstanceCompletionAsync(id, ct);
        }

        var (listed, tokens) = await ListAllAsync("instanceIdPrefix=fn-list-&runtimeStatus=Completed,Failed&top=1", ct);
        var earliest = listed.Select(s => s["createdTime"]!.GetValue<string>()).Order(StringComparer.Ordinal).First();
        var (before, _) = await ListAllAsync($"instanceIdPrefix=fn-list-&createdTimeTo={Uri.EscapeDataString(earliest)}", ct);
        var (from, _) = await ListAllAsync($"instanceIdPrefix=fn-list-&createdTimeFrom={Uri.EscapeDataString(earliest)}", ct);
        var (running, _) = await ListAllAsync("instanceIdPrefix=fn-list-&runtimeStatus=Running", ct);

        Assert.Equal(ids, listed.Select(s => s["instanceId"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(listed, s => Assert.Equal(StatusFields, s.Select(p => p.Key)));
        Assert.All(listed, s => Assert.Equal(2, s["output"]!.GetValue<int>()));
        Assert.NotEmpty(tokens);
        Assert.All(tokens, t => Assert.Matches(UrlSafe(), t));
        Assert.Empty(before);
        Assert.Equal(3, from.Count);
        Assert.Empty(running);

        foreach (var (query, token) in new[] { ("instanceIdPrefix=fn-list-&top=1", "not-a-token"), ("instanceIdPrefix=fn-other-&top=1", tokens[0]) })
        {
            var (functionsStatus, functionsBody) = await ListPageAsync(Functions, query, token, ct);
            var (standaloneStatus, standaloneBody) = await ListPageAsync(fixture.Standalone, query, token, ct);
            Assert.Equal((HttpStatusCode.BadRequest, standaloneBody), (functionsStatus, functionsBody));
            Assert.Contains("x-ms-continuation-token", functionsBody, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex UrlSafe();

    // Every page of a query on the Functions app: the status objects and the tokens it was handed.
    private async Task<(List<JsonObject> Items, List<string> Tokens)> ListAllAsync(string query, CancellationToken ct)
    {
        var items = new List<JsonObject>();
        var tokens = new List<string>();
        string? token = null;
        for (var pages = 0; pages < 50; pages++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/instances?" + query);
            if (token is not null)
            {
                request.Headers.TryAddWithoutValidation("x-ms-continuation-token", token);
            }

            using var response = await Functions.SendAsync(request, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            items.AddRange(JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!.AsArray().Select(s => s!.AsObject()));
            token = response.Headers.TryGetValues("x-ms-continuation-token", out var next) ? next.Single() : null;
            if (token is null)
            {
                return (items, tokens);
            }

            tokens.Add(token);
        }

        throw new InvalidOperationException($"{query}: more than 50 pages.");
    }

    private static async Task<(HttpStatusCode Status, string Body)> ListPageAsync(HttpClient client, string query, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/instances?" + query);
        request.Headers.TryAddWithoutValidation("x-ms-continuation-token", token);
        using var response = await client.SendAsync(request, ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    // The request on both hosts (each in its own task hub); each must answer `expected` when given.
    private async Task OnBothAsync(HttpMethod method, string path, string? body, CancellationToken ct, HttpStatusCode? expected = null)
    {
        foreach (var client in new[] { Functions, fixture.Standalone })
        {
            using var response = await SendAsync(client, method, path, body, ct);
            if (expected is { } status)
            {
                Assert.True(status == response.StatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
        }
    }

    private async Task AssertSameAnswerAsync(HttpMethod method, string path, string? body, HttpStatusCode expected, CancellationToken ct)
    {
        using var functions = await SendAsync(Functions, method, path, body, ct);
        using var standalone = await SendAsync(fixture.Standalone, method, path, body, ct);
        var functionsBody = await functions.Content.ReadAsStringAsync(ct);

        Assert.True(expected == functions.StatusCode, $"{method} {path}: {(int)functions.StatusCode} {functionsBody}");
        Assert.Equal((standalone.StatusCode, await standalone.Content.ReadAsStringAsync(ct)), (functions.StatusCode, functionsBody));
    }

    // The fields both hosts fill alike: everything but name, the times and (where given) the fields they differ in.
    private static void AssertSameStatus(JsonObject standalone, JsonObject functions, params string[] differing)
    {
        foreach (var field in new[] { "instanceId", "runtimeStatus", "input", "customStatus", "output" }.Except(differing))
        {
            Assert.True(
                JsonNode.DeepEquals(standalone[field], functions[field]),
                $"{field}: standalone {standalone[field]?.ToJsonString()}, functions {functions[field]?.ToJsonString()}");
        }
    }

    // The history as the node records give it, without its times.
    private static List<string> History(JsonObject status) => [.. status["historyEvents"]!.AsArray().Select(e =>
        $"{e!["EventType"]}{(e["NodePath"] is { } path ? ":" + path : "")} {e["Name"]} {e["Result"]?.ToJsonString()} {e["OrchestrationStatus"]}")];

    private static async Task<JsonObject> WaitForAsync(HttpClient client, string id, Func<JsonObject, bool> done, CancellationToken ct)
        => await Poll(
            async () =>
            {
                using var response = await client.GetAsync($"/api/instances/{id}", ct);
                return response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted
                    ? JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!.AsObject()
                    : null;
            },
            status => status is not null && done(status),
            ct) ?? throw new InvalidOperationException("unreachable");
}
