using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Standalone.Tests.Infrastructure;

namespace Serverless.Standalone.Tests.Routes;

[Collection(AzuriteCollection.Name)]
public sealed class InstanceRoutesTests(AzuriteFixture azurite)
{
    private const string Instances = WorkflowApi.Instances;

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Start_Valid_Returns202WithCheckStatusPayloadAndLocation()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);

        using var response = await host.Client.PostAsync("/api/workflows/seq/instances?instanceId=start-payload", new StringContent("""{"x":1}"""), ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("start-payload", body!["id"]!.GetValue<string>());
        var status = body["statusQueryGetUri"]!.GetValue<string>();
        Assert.Equal(status, response.Headers.Location!.ToString());
        Assert.StartsWith($"{host.Client.BaseAddress!.ToString().TrimEnd('/')}{Instances}/start-payload?", status, StringComparison.Ordinal);
        Assert.Contains("/raiseEvent/{eventName}?", body["sendEventPostUri"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("/terminate?reason={text}", body["terminatePostUri"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("/suspend?reason={text}", body["suspendPostUri"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("/resume?reason={text}", body["resumePostUri"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith($"{host.Client.BaseAddress!.ToString().TrimEnd('/')}{Instances}/start-payload?", body["purgeHistoryDeleteUri"]!.GetValue<string>(), StringComparison.Ordinal);

        var final = await host.Api.WaitForFinalAsync("start-payload", ct);
        Assert.Equal("Completed", final["runtimeStatus"]!.GetValue<string>());
        Assert.Equal(1, final["output"]!["x"]!.GetValue<int>());
        Assert.Equal("seq", final["name"]!.GetValue<string>());
        Assert.Equal("seq", final["input"]!["workflow"]!.GetValue<string>());
        Assert.Equal(1, final["input"]!["input"]!["x"]!.GetValue<int>());
        Assert.Equal(2, final["customStatus"]!["counts"]!["succeeded"]!.GetValue<int>());
    }

    [Fact]
    public async Task Start_WithoutId_GeneratesIdStartingWithWorkflowName()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);

        var id = await host.Api.StartAsync("seq", null, "5", ct);

        Assert.StartsWith("seq-", id, StringComparison.Ordinal);
        Assert.Equal(5, (await host.Api.WaitForFinalAsync(id, ct))["output"]!.GetValue<int>());
    }

    [Fact]
    public async Task Start_SameIdSameInput_Returns202AndDifferentInput409()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);
        await host.Api.StartAsync("seq", "idem-1", """{"a":1}""", ct);

        using var again = await host.Client.PostAsync("/api/workflows/seq/instances?instanceId=idem-1", new StringContent("""{ "a" : 1 }"""), ct);
        using var different = await host.Client.PostAsync("/api/workflows/seq/instances?instanceId=idem-1", new StringContent("""{"a":2}"""), ct);

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal("idem-1", (await again.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, different.StatusCode);
        Assert.Equal("Conflict", (await different.Content.ReadFromJsonAsync<JsonObject>(ct))!["error"]!["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/workflows/no-such-workflow/instances", "{}", 404, "NotFound")]
    [InlineData("/api/workflows/seq/instances?version=99", "{}", 404, "NotFound")]
    [InlineData("/api/workflows/seq/instances", "{not json", 400, "InvalidJson")]
    [InlineData("/api/workflows/seq/instances?version=abc", "{}", 400, "ValidationError")]
    [InlineData("/api/workflows/seq/instances?instanceId=a%2Fb", "{}", 400, "ValidationError")]
    [InlineData("/api/workflows/seq/instances", "{\"a\":\"\\ud800\"}", 400, "ValidationError")]
    [InlineData("/api/workflows/seq/instances", "{\"a\":1e400}", 400, "ValidationError")]
    [InlineData("/api/workflows/validate", "{\"name\":\"v\",\"nodes\":{\"\\ud800\":{}}}", 400, "ValidationError")]
    [InlineData("/runtime/webhooks/durabletask/instances/idem-1/raiseEvent/go", "[\"\\ud800\"]", 400, "ValidationError")]
    public async Task Start_Rejected_AnswersErrorBody(string uri, string body, int status, string type)
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);

        using var response = await host.Client.PostAsync(uri, new StringContent(body), ct);
        var error = await response.Content.ReadFromJsonAsync<JsonObject>(ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(type, error!["error"]!["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(error["error"]!["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PutDefinition_LoneSurrogate_Returns400WithThePointerAndRegistersNothing()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();

        using var response = await host.Client.PutAsync(
            "/api/workflows/surrogate", new StringContent("""{"name":"surrogate","nodes":{"a":{"type":"set","value":"\udfff"}}}"""), ct);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["error"]!;
        using var after = await host.Client.GetAsync("/api/workflows/surrogate", ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("/nodes/a/value", error["details"]![0]!["path"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task Start_InputOverLimit_Returns413()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);

        using var response = await host.Client.PostAsync("/api/workflows/seq/instances", new StringContent("\"" + new string('x', 300_000) + "\""), ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("PayloadTooLarge", (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_RunningThenFinal_Returns202WithRetryAfterThen200()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Waiter, ct);
        await host.Api.StartAsync("waiter", "status-1", "null", ct);

        await host.Api.WaitForStatusAsync("status-1", s => s == "Running", ct);
        using var running = await host.Client.GetAsync($"{Instances}/status-1", ct);
        Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
        Assert.NotNull(running.Headers.Location);
        Assert.NotNull(running.Headers.RetryAfter);
        var body = await running.Content.ReadFromJsonAsync<JsonObject>(ct);
        Assert.Equal(["e"], body!["customStatus"]!["running"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(1, body["customStatus"]!["counts"]!["running"]!.GetValue<int>());

        Assert.Equal(202, await host.Api.PostAsync($"{Instances}/status-1/raiseEvent/go", """{"ok":true}""", ct));
        var final = await host.Api.WaitForFinalAsync("status-1", ct);
        using var done = await host.Client.GetAsync($"{Instances}/status-1", ct);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.True(final["output"]!["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task RaiseEvent_QueueFull_Returns429AndKeepsTheQueuedEvents()
    {
        var ct = Timeout();
        await using var host = await InProcessHost.StartAsync(azurite.ConnectionString, "queuefull", new Dictionary<string, string?> { ["Host:MaxQueuedEvents"] = "2" });
        await host.Api.PutWorkflowAsync(Workflows.Waiter, ct);
        await host.Api.StartAsync("waiter", "queue-full", "null", ct);
        await host.Api.WaitForStatusAsync("queue-full", s => s == "Running", ct);

        // Nothing waits for "other": two queue, the third is refused with a clear error and changes nothing.
        Assert.Equal(202, await host.Api.PostAsync($"{Instances}/queue-full/raiseEvent/other", "1", ct));
        Assert.Equal(202, await host.Api.PostAsync($"{Instances}/queue-full/raiseEvent/other", "2", ct));
        using var refused = await host.Client.PostAsync($"{Instances}/queue-full/raiseEvent/other", new StringContent("3"), ct);
        var error = (await refused.Content.ReadFromJsonAsync<JsonObject>(ct))!["error"]!;
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Equal("EventQueueFull", error["type"]!.GetValue<string>());
        Assert.Contains("queue-full", error["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // An event a node waits for is still taken.
        Assert.Equal(202, await host.Api.PostAsync($"{Instances}/queue-full/raiseEvent/go", """{"ok":true}""", ct));
        var final = await host.Api.WaitForFinalAsync("queue-full", ct);
        Assert.True(final["output"]!["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task InstanceRoutes_UnknownInstance_Return404()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();

        using var status = await host.Client.GetAsync($"{Instances}/nobody", ct);
        using var purge = await host.Client.DeleteAsync($"{Instances}/nobody", ct);
        using var nodes = await host.Client.GetAsync("/api/instances/nobody/nodes", ct);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, purge.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, nodes.StatusCode);
        Assert.Equal(404, await host.Api.PostAsync($"{Instances}/nobody/raiseEvent/go", "{}", ct));
        Assert.Equal(404, await host.Api.PostAsync($"{Instances}/nobody/terminate?reason=x", null, ct));
        Assert.Equal(404, await host.Api.PostAsync($"{Instances}/nobody/suspend?reason=x", null, ct));
        Assert.Equal(404, await host.Api.PostAsync($"{Instances}/nobody/resume?reason=x", null, ct));
        Assert.Equal(404, await host.Api.PostAsync("/api/instances/nobody/rerun", null, ct));
        using var impossible = await host.Client.GetAsync($"{Instances}/back%5Cslash", ct);
        Assert.Equal(HttpStatusCode.NotFound, impossible.StatusCode);
        Assert.Equal(404, await host.Api.PostAsync($"{Instances}/back%5Cslash/raiseEvent/go", "{}", ct));
    }

    [Fact]
    public async Task InstanceRoutes_FinalInstance_Return410AndPurgeDeletes()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);
        await host.Api.StartAsync("seq", "final-1", "1", ct);
        await host.Api.WaitForFinalAsync("final-1", ct);

        Assert.Equal(410, await host.Api.PostAsync($"{Instances}/final-1/raiseEvent/go", "{}", ct));
        Assert.Equal(410, await host.Api.PostAsync($"{Instances}/final-1/terminate?reason=x", null, ct));
        Assert.Equal(410, await host.Api.PostAsync($"{Instances}/final-1/suspend?reason=x", null, ct));
        Assert.Equal(410, await host.Api.PostAsync($"{Instances}/final-1/resume?reason=x", null, ct));
        Assert.Equal(409, await host.Api.PostAsync("/api/instances/final-1/rerun", null, ct));

        using var purge = await host.Client.DeleteAsync($"{Instances}/final-1", ct);
        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.Equal(1, (await purge.Content.ReadFromJsonAsync<JsonObject>(ct))!["instancesDeleted"]!.GetValue<int>());
        Assert.Equal(404, (await host.Api.StatusAsync("final-1", ct)).Status);
    }

    [Fact]
    public async Task Purge_RunningInstance_Returns409()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Waiter, ct);
        await host.Api.StartAsync("waiter", "purge-running", "null", ct);

        using var purge = await host.Client.DeleteAsync($"{Instances}/purge-running", ct);

        Assert.Equal(HttpStatusCode.Conflict, purge.StatusCode);
        Assert.Equal(202, await host.Api.PostAsync($"{Instances}/purge-running/terminate?reason=done", null, ct));
        var final = await host.Api.WaitForFinalAsync("purge-running", ct);
        Assert.Equal("Terminated", final["runtimeStatus"]!.GetValue<string>());
        using var again = await host.Client.DeleteAsync($"{Instances}/purge-running", ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task SuspendResume_EventWhileSuspended_IsDeliveredAfterResume()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Waiter, ct);
        await host.Api.StartAsync("waiter", "suspend-1", "null", ct);
        await host.Api.WaitForStatusAsync("suspend-1", s => s == "Running", ct);

        Assert.Equal(202, await host.Api.PostAsync($"{Instances}/suspend-1/suspend?reason=pause", null, ct));
        await host.Api.WaitForStatusAsync("suspend-1", s => s == "Suspended", ct);
        Assert.Equal(202, await host.Api.PostAsync($"{Instances}/suspend-1/raiseEvent/go", "42", ct));
        var (_, suspended) = await host.Api.StatusAsync("suspend-1", ct);
        Assert.Equal("Suspended", suspended!["runtimeStatus"]!.GetValue<string>());

        Assert.Equal(202, await host.Api.PostAsync($"{Instances}/suspend-1/resume?reason=go", null, ct));
        var final = await host.Api.WaitForFinalAsync("suspend-1", ct);
        Assert.Equal("Completed", final["runtimeStatus"]!.GetValue<string>());
        Assert.Equal(42, final["output"]!.GetValue<int>());
    }

    [Fact]
    public async Task List_PagedByPrefix_FollowsContinuationTokenToEveryInstance()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);
        var ids = Enumerable.Range(0, 5).Select(i => $"page-{i}").ToList();
        foreach (var id in ids)
        {
            await host.Api.StartAsync("seq", id, "1", ct);
        }

        foreach (var id in ids)
        {
            await host.Api.WaitForFinalAsync(id, ct);
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{Instances}?instanceIdPrefix=page-&top=2&runtimeStatus=Completed,Failed");
            if (token is not null)
            {
                request.Headers.Add("x-ms-continuation-token", token);
            }

            using var response = await host.Client.SendAsync(request, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadFromJsonAsync<JsonArray>(ct);
            Assert.True(page!.Count <= 2);
            seen.AddRange(page.Select(s => s!["instanceId"]!.GetValue<string>()));
            token = response.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.Single() : null;
            pages++;
        }
        while (token is not null && pages < 20);

        Assert.Equal(ids, seen.Order(StringComparer.Ordinal));
        Assert.True(pages >= 3);
        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"));
        var none = await host.Client.GetFromJsonAsync<JsonArray>($"{Instances}?instanceIdPrefix=page-&createdTimeFrom={future}", ct);
        Assert.Empty(none!);
        var running = await host.Client.GetFromJsonAsync<JsonArray>($"{Instances}?instanceIdPrefix=page-&runtimeStatus=Running", ct);
        Assert.Empty(running!);
        using var bad = await host.Client.GetAsync($"{Instances}?runtimeStatus=Sleeping", ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Nodes_Paged_ListsEveryNodeWithDetail()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);
        await host.Api.StartAsync("seq", "nodes-1", "7", ct);
        await host.Api.WaitForFinalAsync("nodes-1", ct);

        var first = await host.Client.GetFromJsonAsync<JsonObject>("/api/instances/nodes-1/nodes?top=1", ct);
        var token = first!["continuationToken"]!.GetValue<string>();
        var second = await host.Client.GetFromJsonAsync<JsonObject>($"/api/instances/nodes-1/nodes?top=1&continuationToken={token}", ct);

        var a = first["nodes"]![0]!;
        Assert.Equal("a", a["path"]!.GetValue<string>());
        Assert.Equal("succeeded", a["status"]!.GetValue<string>());
        Assert.Equal(1, a["attempts"]!.GetValue<int>());
        Assert.Equal(7, a["output"]!.GetValue<int>());
        Assert.NotNull(a["startedAt"]);
        Assert.NotNull(a["completedAt"]);
        Assert.Equal("b", second!["nodes"]![0]!["path"]!.GetValue<string>());
        Assert.Null(second["continuationToken"]);
    }

    [Fact]
    public async Task Rerun_FailedInstance_RunsFailedNodesAgainOnly()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Rerun, ct);
        await host.Api.StartAsync("rerun", "rerun-1", "null", ct);
        var failed = await host.Api.WaitForFinalAsync("rerun-1", ct);
        Assert.Equal("Failed", failed["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("Boom", failed["output"]!["type"]!.GetValue<string>());
        Assert.Equal("Boom", failed["customStatus"]!["error"]!["type"]!.GetValue<string>());
        Assert.Equal(["b"], failed["customStatus"]!["failed"]!.AsArray().Select(p => p!.GetValue<string>()));

        Assert.Equal(202, await host.Api.PostAsync("/api/instances/rerun-1/rerun", null, ct));
        var final = await host.Api.WaitForStatusAsync("rerun-1", s => s == "Completed", ct);

        Assert.Equal(1, final["output"]!.GetValue<int>());
        Assert.Equal(1, host.Activities.Calls.Count(c => c.Key.StartsWith("rerun-1:a:", StringComparison.Ordinal)));
        Assert.Equal(2, host.Activities.Calls.Count(c => c.Key.StartsWith("rerun-1:b:", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("POST", "/instances/x/rewind")]
    [InlineData("POST", "/instances/x/restart")]
    [InlineData("DELETE", "/instances")]
    [InlineData("GET", "/entities/counter/one")]
    [InlineData("GET", "/something/else")]
    public async Task DurableRoutes_NotImplemented_Return501(string method, string path)
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();

        using var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/runtime/webhooks/durabletask" + path), ct);

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Equal("NotImplemented", (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Routes_FunctionsQueryParameters_AreIgnored()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);
        await host.Api.StartAsync("seq", "query-params", "1", ct);

        var final = await host.Api.WaitForFinalAsync("query-params", ct);
        using var response = await host.Client.GetAsync($"{Instances}/query-params?taskHub=shared&connection=Storage&code=whatever", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Completed", final["runtimeStatus"]!.GetValue<string>());
    }
}
