using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using Serverless.FunctionApp.Tests.Infrastructure;

namespace Serverless.FunctionApp.Tests.Http;

/// <summary>
/// The Functions app's HTTP functions end to end against the real <see cref="DurableTaskClient"/> (Durable Task engine,
/// Azure Storage provider on Azurite): register, validate, start, per-node detail, rerun, the <c>/api/instances</c>
/// aliases of the Durable routes (<c>FunctionsHttpApiTests.Instances.cs</c>); and every error answer equal to the
/// standalone host's for the same request.
/// </summary>
public sealed partial class FunctionsHttpApiTests(HttpFixture fixture) : IClassFixture<HttpFixture>
{
    private const string Sequence = """
        {"name":"fn-seq","nodes":{"a":{"type":"activity","activity":"echo","input":"${{ input }}"},
                                  "b":{"type":"set","value":"${{ nodes.a.output.x * 2 }}","runAfter":["a"]}},
         "output":"${{ nodes.b.output }}"}
        """;

    private const string Rerunnable = """
        {"name":"fn-rerun","nodes":{"a":{"type":"activity","activity":"fail-first-epoch","input":"${{ input }}"}},
         "output":"${{ nodes.a.output }}"}
        """;

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private HttpClient Functions => fixture.Functions.Client;

    [Fact]
    public void Functions_MappedFromTheirTriggerAttributes_AreTheApiRoutes()
    {
        Assert.Equal(
            [
                "DELETE /api/instances/{id}", "GET /api/instances", "GET /api/instances/{id}", "GET /api/instances/{id}/nodes",
                "GET /api/workflows", "GET /api/workflows/{name}", "GET /api/workflows/{name}/diagram", "GET /api/workflows/{name}/versions",
                "GET /api/workflows/{name}/versions/{version}", "POST /api/instances/{id}/raiseEvent/{eventName}",
                "POST /api/instances/{id}/rerun", "POST /api/instances/{id}/resume", "POST /api/instances/{id}/suspend",
                "POST /api/instances/{id}/terminate", "POST /api/workflows/validate", "POST /api/workflows/{name}/instances",
                "PUT /api/workflows/{name}",
            ],
            fixture.Functions.Mapped.Where(route => !IsConsoleRoute(route)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RegisterValidateAndRead_AnswerAsTheApiSays()
    {
        var ct = Timeout();
        const string json = """{"name":"fn-reg","nodes":{"a":{"type":"set","value":1}}}""";

        using var created = await SendAsync(Functions, HttpMethod.Put, "/api/workflows/fn-reg", json, ct);
        using var same = await SendAsync(Functions, HttpMethod.Put, "/api/workflows/fn-reg", json, ct);
        using var valid = await SendAsync(Functions, HttpMethod.Post, "/api/workflows/validate", json, ct);
        using var latest = await Functions.GetAsync("/api/workflows/fn-reg", ct);
        using var versions = await Functions.GetAsync("/api/workflows/fn-reg/versions", ct);
        using var list = await Functions.GetAsync("/api/workflows", ct);
        using var mermaid = await Functions.GetAsync("/api/workflows/fn-reg/diagram", ct);
        using var svg = await Functions.GetAsync("/api/workflows/fn-reg/diagram?format=svg&version=1", ct);

        Assert.Equal((HttpStatusCode.Created, """{"name":"fn-reg","version":1}"""), (created.StatusCode, await created.Content.ReadAsStringAsync(ct)));
        Assert.Equal((HttpStatusCode.OK, """{"name":"fn-reg","version":1}"""), (same.StatusCode, await same.Content.ReadAsStringAsync(ct)));
        Assert.Equal("""{"valid":true,"errors":[]}""", await valid.Content.ReadAsStringAsync(ct));
        Assert.Equal(1, JsonNode.Parse(await latest.Content.ReadAsStringAsync(ct))!["version"]!.GetValue<int>());
        Assert.Single(JsonNode.Parse(await versions.Content.ReadAsStringAsync(ct))!.AsArray());
        Assert.Contains(JsonNode.Parse(await list.Content.ReadAsStringAsync(ct))!.AsArray(), w => w!["name"]!.GetValue<string>() == "fn-reg");
        Assert.Equal(
            ("text/plain; charset=utf-8", "flowchart LR\n    n_a[\"a<br/>set\"]\n"),
            (mermaid.Content.Headers.ContentType!.ToString(), await mermaid.Content.ReadAsStringAsync(ct)));
        Assert.Equal("image/svg+xml; charset=utf-8", svg.Content.Headers.ContentType!.ToString());
        Assert.Contains("data-node-id=\"a\"", await svg.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_RunsOnTheDurableTaskEngine_ThenSameStart202AndDifferent409()
    {
        var ct = Timeout();
        await SendAsync(Functions, HttpMethod.Put, "/api/workflows/fn-seq", Sequence, ct);

        using var started = await SendAsync(Functions, HttpMethod.Post, "/api/workflows/fn-seq/instances?instanceId=fn-seq-1", """{"x":21}""", ct);
        var payload = JsonNode.Parse(await started.Content.ReadAsStringAsync(ct))!.AsObject();
        var meta = await fixture.Functions.Durable.WaitForInstanceCompletionAsync("fn-seq-1", getInputsAndOutputs: true, ct);
        using var again = await SendAsync(Functions, HttpMethod.Post, "/api/workflows/fn-seq/instances?instanceId=fn-seq-1", """ {"x": 21} """, ct);
        using var different = await SendAsync(Functions, HttpMethod.Post, "/api/workflows/fn-seq/instances?instanceId=fn-seq-1", """{"x":1}""", ct);
        using var nodes = await Functions.GetAsync("/api/instances/fn-seq-1/nodes", ct);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(
            ["id", "purgeHistoryDeleteUri", "resumePostUri", "sendEventPostUri", "statusQueryGetUri", "suspendPostUri", "terminatePostUri"],
            payload.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(payload["statusQueryGetUri"]!.GetValue<string>(), started.Headers.Location!.OriginalString);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, meta.RuntimeStatus);
        Assert.Equal("42", meta.SerializedOutput);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(
            (HttpStatusCode.Conflict, """{"error":{"type":"Conflict","message":"Instance 'fn-seq-1' already exists with a different input; purge it first or choose another id."}}"""),
            (different.StatusCode, await different.Content.ReadAsStringAsync(ct)));
        var detail = JsonNode.Parse(await nodes.Content.ReadAsStringAsync(ct))!["nodes"]!.AsArray();
        Assert.Equal(["a:succeeded:1", "b:succeeded:0"], detail.Select(n => $"{n!["path"]}:{n["status"]}:{n["attempts"]}"));
    }

    [Fact]
    public async Task Rerun_FailedInstance_CompletesOnTheSecondEpoch()
    {
        var ct = Timeout();
        await SendAsync(Functions, HttpMethod.Put, "/api/workflows/fn-rerun", Rerunnable, ct);
        await SendAsync(Functions, HttpMethod.Post, "/api/workflows/fn-rerun/instances?instanceId=fn-rerun-1", "\"again\"", ct);
        var failed = await fixture.Functions.Durable.WaitForInstanceCompletionAsync("fn-rerun-1", getInputsAndOutputs: true, ct);

        using var rerun = await Functions.PostAsync("/api/instances/fn-rerun-1/rerun", null, ct);
        var completed = await Poll(async () => await fixture.Functions.Durable.GetInstanceAsync("fn-rerun-1", getInputsAndOutputs: true, ct), m => m!.RuntimeStatus == OrchestrationRuntimeStatus.Completed, ct);
        using var rerunCompleted = await Functions.PostAsync("/api/instances/fn-rerun-1/rerun", null, ct);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.Equal(HttpStatusCode.Accepted, rerun.StatusCode);
        Assert.Equal("\"again\"", completed!.SerializedOutput);
        Assert.Equal(HttpStatusCode.Conflict, rerunCompleted.StatusCode);
        Assert.Equal(
            """{"error":{"type":"Conflict","message":"Instance 'fn-rerun-1' is Completed; only a Failed instance can be rerun."}}""",
            await rerunCompleted.Content.ReadAsStringAsync(ct));
    }

    public static TheoryData<string, string, string?> BadRequests() => new()
    {
        { "PUT", "/api/workflows/fn-bad", "{not json" },
        { "PUT", "/api/workflows/fn-bad", """{"name":"fn-bad","nodes":{"a":{"type":"nope"}}}""" },
        { "PUT", "/api/workflows/fn-bad", """{"name":"other","nodes":{"a":{"type":"set","value":1}}}""" },
        { "PUT", "/api/workflows/Bad_Name", """{"name":"Bad_Name","nodes":{}}""" },
        { "POST", "/api/workflows/validate", "[1," },
        { "GET", "/api/workflows/fn-unknown", null },
        { "GET", "/api/workflows/fn-unknown/versions", null },
        { "GET", "/api/workflows/fn-unknown/versions/abc", null },
        { "GET", "/api/workflows/fn-unknown/versions/3", null },
        { "GET", "/api/workflows/fn-unknown/diagram", null },
        { "GET", "/api/workflows/fn-unknown/diagram?format=png", null },
        { "GET", "/api/workflows/fn-unknown/diagram?version=0", null },
        { "GET", "/api/workflows/fn-unknown/diagram?format=svg&version=4", null },
        { "GET", "/api/workflows/fn%01/diagram", null },
        { "POST", "/api/workflows/fn-unknown/instances", "{}" },
        { "POST", "/api/workflows/fn-unknown/instances?version=0", "{}" },
        { "POST", "/api/workflows/fn-unknown/instances?instanceId=" + new string('x', 300), "{}" },
        { "POST", "/api/workflows/fn-unknown/instances", "{oops" },
        { "POST", "/api/workflows/fn-unknown/instances", "\"" + new string('x', 300 * 1024) + "\"" },
        { "GET", "/api/instances/fn-nobody/nodes", null },
        { "GET", "/api/instances/fn-nobody/nodes?top=0", null },
        { "GET", "/api/instances/fn-nobody/nodes?continuationToken=%%%", null },
        { "POST", "/api/instances/fn-nobody/rerun", null },
        { "POST", "/api/workflows/fn-unknown/instances", "{\"a\":\"\\ud800\"}" },
        { "POST", "/api/workflows/fn-unknown/instances", "{\"a\":[1e400]}" },
        { "GET", "/api/workflows/fn%01bad", null },
        { "PUT", "/api/workflows/fn%01bad", "{}" },
        { "GET", "/api/workflows/fn-unknown/versions/1%0A", null },
        { "POST", "/api/workflows/fn%1B/instances", "{}" },
        { "GET", "/api/instances/fn%1Fnobody/nodes", null },
        { "POST", "/api/instances/fn-nobody%7F/rerun", null },
        { "GET", "/api/instances/fn-nobody", null },
        { "GET", "/api/instances/fn-nobody?showInput=maybe", null },
        { "GET", "/api/instances/fn%0Dnobody", null },
        { "GET", "/api/instances/back%5Cslash", null },
        { "DELETE", "/api/instances/fn-nobody", null },
        { "DELETE", "/api/instances/fn-nobody%08", null },
        { "POST", "/api/instances/fn-nobody/raiseEvent/go", "{}" },
        { "POST", "/api/instances/fn-nobody/raiseEvent/go", "{oops" },
        { "POST", "/api/instances/fn-nobody/raiseEvent/go%09", "1" },
        { "POST", "/api/instances/fn-nobody/raiseEvent/" + new string('g', 129), "1" },
        { "POST", "/api/instances/fn-nobody/raiseEvent/go", "\"" + new string('x', 300 * 1024) + "\"" },
        { "POST", "/api/instances/back%5Cslash/raiseEvent/go", "{}" },
        { "POST", "/api/instances/fn-nobody/terminate?reason=x", null },
        { "POST", "/api/instances/fn-nobody/suspend?reason=x", null },
        { "POST", "/api/instances/fn-nobody/resume?reason=x", null },
        { "POST", "/api/instances/fn%01nobody/terminate", null },
        { "GET", "/api/instances?runtimeStatus=Running,Sleeping", null },
        { "GET", "/api/instances?top=0&createdTimeFrom=yesterday", null },
        { "GET", "/api/instances?instanceIdPrefix=fn%1F", null },
        { "GET", "/api/instances?showHistory=1", null },
    };

    /// <summary>Bodies only bytes can say (not UTF-8, a byte order mark) and declared charsets.</summary>
    public static TheoryData<string, string, byte[], string> BadBodies() => new()
    {
        { "PUT", "/api/workflows/fn-bad", [.. "{\"name\":\"fn-bad\",\"nodes\":{\"a\":{\"type\":\"set\",\"value\":\"caf"u8, 0xE9, .. "\"}}}"u8], "application/json" },
        { "POST", "/api/workflows/validate", [0xEF, 0xBB, 0xBF, .. "{\"name\":\""u8, 0xFF, .. "\"}"u8], "application/json" },
        { "POST", "/api/workflows/fn-unknown/instances", [(byte)'[', 0xC3, (byte)']'], "application/json" },
        { "POST", "/api/workflows/fn-unknown/instances", [(byte)'"', 0xED, 0xA0, 0x80, (byte)'"'], "application/json" },
        { "POST", "/api/workflows/fn-unknown/instances", "{}"u8.ToArray(), "application/json; charset=utf-16" },
        { "PUT", "/api/workflows/fn-bad", "{}"u8.ToArray(), "text/plain; charset=iso-8859-1" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadBody_AnswersExactlyAsTheStandaloneHost(string method, string path, byte[] body, string contentType)
    {
        var ct = Timeout();

        using var functions = await SendBytesAsync(Functions, new HttpMethod(method), path, body, contentType, ct);
        using var standalone = await SendBytesAsync(fixture.Standalone, new HttpMethod(method), path, body, contentType, ct);
        var functionsBody = await functions.Content.ReadAsStringAsync(ct);

        Assert.True((int)functions.StatusCode is >= 400 and < 500, $"{method} {path}: {(int)functions.StatusCode} {functionsBody}");
        Assert.Equal((standalone.StatusCode, await standalone.Content.ReadAsStringAsync(ct)), (functions.StatusCode, functionsBody));
        Assert.Equal("error", Assert.Single(JsonNode.Parse(functionsBody)!.AsObject()).Key);
    }

    private static async Task<HttpResponseMessage> SendBytesAsync(HttpClient client, HttpMethod method, string path, byte[] body, string contentType, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return await client.SendAsync(request, ct);
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequest_AnswersExactlyAsTheStandaloneHost(string method, string path, string? body)
    {
        var ct = Timeout();

        using var functions = await SendAsync(Functions, new HttpMethod(method), path, body, ct);
        using var standalone = await SendAsync(fixture.Standalone, new HttpMethod(method), path, body, ct);
        var functionsBody = await functions.Content.ReadAsStringAsync(ct);

        Assert.True((int)functions.StatusCode is >= 400 and < 500, $"{method} {path}: {(int)functions.StatusCode} {functionsBody}");
        Assert.Equal((standalone.StatusCode, await standalone.Content.ReadAsStringAsync(ct)), (functions.StatusCode, functionsBody));
        Assert.Equal("application/json; charset=utf-8", functions.Content.Headers.ContentType!.ToString());
        Assert.Equal("error", Assert.Single(JsonNode.Parse(functionsBody)!.AsObject()).Key);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request, ct);
    }

    private static async Task<T> Poll<T>(Func<Task<T>> probe, Func<T, bool> done, CancellationToken ct)
    {
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            // A poll interval bounded by the test's token, not a wait for luck.
            await Task.Delay(100, ct);
        }
    }
}
