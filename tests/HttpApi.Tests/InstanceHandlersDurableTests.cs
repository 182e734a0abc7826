using System.Net;
using System.Text.Json.Nodes;
using Serverless.HttpApi.Tests.Infrastructure;

namespace Serverless.HttpApi.Tests;

/// <summary>
/// The Durable instance handlers (<c>InstanceHandlers.Durable.cs</c>) as <c>MapWorkflowHttpApi</c> maps them under
/// <c>/api/instances</c>: codes, headers and texts over an in-memory backend, and no backend call for a request they
/// refuse.
/// </summary>
public sealed class InstanceHandlersDurableTests : IAsyncLifetime
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync(_ct);
        await _server.PutWorkflowAsync("seq", Workflows.Seq, _ct);
        await _server.PutWorkflowAsync("waiter", Workflows.Waiter, _ct);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Status_Waiting_Answers202WithThePolledUrlAndRetryAfter_Then200OnceFinal()
    {
        await StartAsync("waiter", "w-1", """{"n":1}""");

        using var waiting = await _server.Client.GetAsync("/api/instances/w-1?showInput=false", _ct);
        var body = JsonNode.Parse(await waiting.Content.ReadAsStringAsync(_ct))!.AsObject();
        var raised = await _server.SendAsync(HttpMethod.Post, "/api/instances/w-1/raiseEvent/go", "5", _ct);
        using var done = await _server.Client.GetAsync("/api/instances/w-1", _ct);
        var final = JsonNode.Parse(await done.Content.ReadAsStringAsync(_ct))!.AsObject();

        Assert.Equal(HttpStatusCode.Accepted, waiting.StatusCode);
        Assert.Equal($"{_server.BaseAddress.ToString().TrimEnd('/')}/api/instances/w-1?showInput=false", waiting.Headers.Location!.OriginalString);
        Assert.Equal(ApiServer.StatusRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), waiting.Headers.GetValues("Retry-After").Single());
        Assert.Equal(["name", "instanceId", "runtimeStatus", "customStatus", "output", "createdTime", "lastUpdatedTime"], body.Select(p => p.Key));
        Assert.Equal("Running", body["runtimeStatus"]!.GetValue<string>());
        Assert.Equal(202, raised.Status);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Null(done.Headers.Location);
        Assert.False(done.Headers.Contains("Retry-After"));
        Assert.Equal(("Completed", 5, 1), (final["runtimeStatus"]!.GetValue<string>(), final["output"]!.GetValue<int>(), final["input"]!["input"]!["n"]!.GetValue<int>()));
    }

    [Fact]
    public async Task List_Paged_FollowsTheTokenHeader_AndRefusesATokenOfAnotherQuery()
    {
        foreach (var id in new[] { "l-0", "l-1", "l-2", "m-0" })
        {
            await StartAsync("seq", id, "1");
        }

        var seen = new List<string>();
        var tokens = new List<string>();
        string? token = null;
        do
        {
            using var page = await ListAsync("?instanceIdPrefix=l-&top=2&runtimeStatus=completed", token);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            seen.AddRange(JsonNode.Parse(await page.Content.ReadAsStringAsync(_ct))!.AsArray().Select(s => s!["instanceId"]!.GetValue<string>()));
            token = page.Headers.TryGetValues("x-ms-continuation-token", out var next) ? next.Single() : null;
            tokens.Add(token ?? "");
        }
        while (token is not null);

        using var foreign = await ListAsync("?instanceIdPrefix=m-&top=2", tokens[0]);

        Assert.Equal(["l-0", "l-1", "l-2"], seen);
        Assert.Equal(2, tokens.Count);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Equal(
            """{"error":{"type":"ValidationError","message":"The continuation token is not one this host issued for this query.","details":[{"path":"x-ms-continuation-token","message":"The continuation token is not one this host issued for this query."}]}}""",
            await foreign.Content.ReadAsStringAsync(_ct));
    }

    [Fact]
    public async Task Signals_UnknownFinalAndRunningInstances_AnswerTheSharedWords()
    {
        await StartAsync("seq", "done-1", "1");
        await StartAsync("waiter", "run-1", "null");

        Assert.Equal(
            (404, """{"error":{"type":"NotFound","message":"Instance 'nobody' does not exist."}}"""),
            await AnswerAsync(HttpMethod.Post, "/api/instances/nobody/suspend", null));
        Assert.Equal(
            (410, """{"error":{"type":"Gone","message":"Instance 'done-1' is final; it takes no more events."}}"""),
            await AnswerAsync(HttpMethod.Post, "/api/instances/done-1/terminate?reason=late", null));
        Assert.Equal(
            (409, """{"error":{"type":"Conflict","message":"Instance 'run-1' is Running; terminate it and wait until it is Terminated before purging."}}"""),
            await AnswerAsync(HttpMethod.Delete, "/api/instances/run-1", null));
        Assert.Equal((202, ""), await AnswerAsync(HttpMethod.Post, "/api/instances/run-1/suspend?reason=pause", null));
        Assert.Equal("Suspended", JsonNode.Parse((await AnswerAsync(HttpMethod.Get, "/api/instances/run-1", null)).Body)!["runtimeStatus"]!.GetValue<string>());
        Assert.Equal((202, ""), await AnswerAsync(HttpMethod.Post, "/api/instances/run-1/resume", null));
        Assert.Equal((202, ""), await AnswerAsync(HttpMethod.Post, "/api/instances/run-1/terminate?reason=stop", null));
        Assert.Equal((200, """{"instancesDeleted":1}"""), await AnswerAsync(HttpMethod.Delete, "/api/instances/run-1", null));
        Assert.Equal(404, (await AnswerAsync(HttpMethod.Get, "/api/instances/run-1", null)).Status);
    }

    [Theory]
    [InlineData("GET", "/api/instances/a%01b", null, "id")]
    [InlineData("GET", "/api/instances/x?showHistory=yes", null, "showHistory")]
    [InlineData("GET", "/api/instances?top=1001", null, "top")]
    [InlineData("GET", "/api/instances?runtimeStatus=Sleeping", null, "runtimeStatus")]
    [InlineData("POST", "/api/instances/x/raiseEvent/go%09", "1", "eventName")]
    [InlineData("POST", "/api/instances/x/raiseEvent/go", "{oops", null)]
    [InlineData("POST", "/api/instances/x%7F/terminate", null, "id")]
    [InlineData("DELETE", "/api/instances/x%0A", null, "id")]
    public async Task Refused_NeverReachesTheBackend(string method, string uri, string? body, string? pointer)
    {
        var calls = _server.Backend.Calls;

        var answer = await _server.SendAsync(new HttpMethod(method), uri, body, _ct);

        Assert.Equal(400, answer.Status);
        if (pointer is not null)
        {
            Assert.Equal(pointer, JsonNode.Parse(answer.Body)!["error"]!["details"]![0]!["path"]!.GetValue<string>());
        }

        Assert.Equal(calls, _server.Backend.Calls);
    }

    [Fact]
    public async Task ImpossibleId_Answers404WithoutReachingTheBackend()
    {
        var calls = _server.Backend.Calls;

        var status = await AnswerAsync(HttpMethod.Get, "/api/instances/back%5Cslash", null);
        var purge = await AnswerAsync(HttpMethod.Delete, "/api/instances/back%5Cslash", null);
        var raise = await AnswerAsync(HttpMethod.Post, "/api/instances/back%5Cslash/raiseEvent/go", "1");

        Assert.Equal([404, 404, 404], new[] { status.Status, purge.Status, raise.Status });
        Assert.Equal(calls, _server.Backend.Calls);
    }

    private async Task StartAsync(string workflow, string id, string input)
        => Assert.Equal(202, (await _server.SendAsync(HttpMethod.Post, $"/api/workflows/{workflow}/instances?instanceId={id}", input, _ct)).Status);

    private async Task<(int Status, string Body)> AnswerAsync(HttpMethod method, string uri, string? body)
    {
        var answer = await _server.SendAsync(method, uri, body, _ct);
        return (answer.Status, answer.Body);
    }

    private async Task<HttpResponseMessage> ListAsync(string query, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/instances" + query);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("x-ms-continuation-token", token);
        }

        return await _server.Client.SendAsync(request, _ct);
    }
}
