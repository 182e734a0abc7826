using System.Text.Json.Nodes;
using Serverless.Engine.Decisions;
using Serverless.HttpApi.Tests.Infrastructure;

namespace Serverless.HttpApi.Tests;

public sealed class InstanceHandlersTests : IAsyncLifetime
{
    private const string BadVersion = """{"error":{"type":"ValidationError","message":"Version 'abc' is invalid: use a positive integer.","details":[{"path":"version","message":"Version 'abc' is invalid: use a positive integer."}]}}""";
    private const string BadInstanceId = """{"error":{"type":"ValidationError","message":"Instance id 'a/b' is invalid: use 1 to 256 characters without '/', '\\', '#', '?' or control characters.","details":[{"path":"instanceId","message":"Instance id 'a/b' is invalid: use 1 to 256 characters without '/', '\\', '#', '?' or control characters."}]}}""";
    private const string TooLarge = """{"error":{"type":"PayloadTooLarge","message":"The request body is larger than the limit of 2048 bytes."}}""";
    private const string NotJson = """{"error":{"type":"InvalidJson","message":"The request body is not valid JSON at line 1, position 2."}}""";
    private const string UnknownWorkflow = """{"error":{"type":"NotFound","message":"Workflow 'unknown' is not registered."}}""";
    private const string BadName = """{"error":{"type":"NotFound","message":"Workflow 'Bad_Name' is not registered."}}""";
    private const string UnknownVersion = """{"error":{"type":"NotFound","message":"Workflow 'seq' has no version 9."}}""";

    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync(_ct);
        await _server.PutWorkflowAsync("seq", Workflows.Seq, _ct);
        await _server.PutWorkflowAsync("other", Workflows.Other, _ct);
        await _server.PutWorkflowAsync("broken", Workflows.Broken, _ct);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Base => _server.BaseAddress.ToString().TrimEnd('/');

    private Task<Answer> StartAsync(string query, string? body) => _server.SendAsync(HttpMethod.Post, "/api/workflows/" + query, body, _ct);

    [Fact]
    public async Task Start_Valid_Returns202WithCheckStatusPayloadAndLocation()
    {
        var answer = await StartAsync("seq/instances?instanceId=i-1", """{"x":1}""");

        var root = $"{Base}/runtime/webhooks/durabletask/instances/i-1";
        const string common = "taskHub=test-hub&connection=Storage";
        Assert.Equal(202, answer.Status);
        Assert.Equal(
            $$"""{"id":"i-1","statusQueryGetUri":"{{root}}?{{common}}","sendEventPostUri":"{{root}}/raiseEvent/{eventName}?{{common}}","terminatePostUri":"{{root}}/terminate?reason={text}&{{common}}","purgeHistoryDeleteUri":"{{root}}?{{common}}","suspendPostUri":"{{root}}/suspend?reason={text}&{{common}}","resumePostUri":"{{root}}/resume?reason={text}&{{common}}"}""",
            answer.Body);
        Assert.Equal($"{root}?{common}", answer.Location);
        Assert.Equal("application/json; charset=utf-8", answer.ContentType);
        Assert.Equal(InstanceStatus.Completed, _server.Backend.State("i-1").Status);
    }

    [Fact]
    public async Task Start_WithoutInstanceId_GeneratesIdFromWorkflowName()
    {
        var answer = await StartAsync("seq/instances", "5");

        var id = JsonNode.Parse(answer.Body)!["id"]!.GetValue<string>();
        Assert.Equal(202, answer.Status);
        Assert.Matches("^seq-[0-9a-f]{32}$", id);
        Assert.Equal(5, _server.Backend.State(id).Output!.Value.GetInt32());
    }

    [Fact]
    public async Task Start_EmptyBody_StartsWithNullInput()
    {
        var answer = await StartAsync("seq/instances?instanceId=empty", null);

        Assert.Equal(202, answer.Status);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, _server.Backend.State("empty").Input.ValueKind);
    }

    [Fact]
    public async Task Start_SameStartAgain_Returns202WithTheSamePayload()
    {
        var first = await StartAsync("seq/instances?instanceId=i-1", """{"a":[1,2]}""");
        var again = await StartAsync("seq/instances?instanceId=i-1&version=1", """{ "a" : [1, 2] }""");

        Assert.Equal((202, first.Body, first.Location), (again.Status, again.Body, again.Location));
    }

    [Theory]
    [InlineData("seq/instances?instanceId=i-1", """{"a":2}""", "a different input")]
    [InlineData("other/instances?instanceId=i-1", """{"a":1}""", "workflow 'seq'")]
    public async Task Start_IdTakenByADifferentStart_Returns409(string query, string body, string taken)
    {
        await StartAsync("seq/instances?instanceId=i-1", """{"a":1}""");

        var answer = await StartAsync(query, body);

        Assert.Equal(409, answer.Status);
        Assert.Equal($$$"""{"error":{"type":"Conflict","message":"Instance 'i-1' already exists with {{{taken}}}; purge it first or choose another id."}}""", answer.Body);
    }

    [Fact]
    public async Task Start_IdTakenByAnotherVersion_Returns409NamingIt()
    {
        await StartAsync("seq/instances?instanceId=i-1", "1");
        await _server.PutWorkflowAsync("seq", Workflows.SeqV2, _ct);

        var answer = await StartAsync("seq/instances?instanceId=i-1", "1");

        Assert.Equal(409, answer.Status);
        Assert.Equal("""{"error":{"type":"Conflict","message":"Instance 'i-1' already exists with version 1; purge it first or choose another id."}}""", answer.Body);
    }

    public static TheoryData<string, string, int, string> Rejected() => new()
    {
        { "Bad_Name/instances", "{}", 404, BadName },
        { "seq/instances?version=abc", "{}", 400, BadVersion },
        { "seq/instances?version=0", "{}", 400, BadVersion.Replace("'abc'", "'0'", StringComparison.Ordinal) },
        { "seq/instances?instanceId=a%2Fb", "{}", 400, BadInstanceId },
        { "seq/instances", "\"" + new string('x', ApiServer.MaxPayloadBytes) + "\"", 413, TooLarge },
        { "seq/instances", "{not json", 400, NotJson },
        { "unknown/instances", "{}", 404, UnknownWorkflow },
        { "seq/instances?version=9", "{}", 404, UnknownVersion },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public async Task Start_Rejected_AnswersErrorBodyAndStartsNothing(string query, string body, int status, string error)
    {
        var answer = await StartAsync(query, body);

        Assert.Equal((status, error), (answer.Status, answer.Body));
        Assert.Equal(0, _server.Backend.Calls);
    }

    /// <summary>Each request breaks two checks; the one earlier in the order answers.</summary>
    public static TheoryData<string, string, int, string> TwoProblems() => new()
    {
        { "Bad_Name/instances?version=abc", "{}", 404, BadName },
        { "seq/instances?version=abc&instanceId=a%2Fb", "{}", 400, BadVersion },
        { "seq/instances?instanceId=a%2Fb", "{" + new string('x', ApiServer.MaxPayloadBytes), 400, BadInstanceId },
        { "seq/instances", "{" + new string('x', ApiServer.MaxPayloadBytes), 413, TooLarge },
        { "unknown/instances", "{not json", 400, NotJson },
        { "seq/instances?version=9&instanceId=taken", "{}", 404, UnknownVersion },
    };

    [Theory]
    [MemberData(nameof(TwoProblems))]
    public async Task Start_TwoProblems_AnswersTheFirstInValidationOrder(string query, string body, int status, string error)
    {
        await StartAsync("other/instances?instanceId=taken", "{}");

        var answer = await StartAsync(query, body);

        Assert.Equal((status, error), (answer.Status, answer.Body));
    }

    [Fact]
    public async Task Nodes_Started_ListsEveryNodePaged()
    {
        await StartAsync("seq/instances?instanceId=i-1", "7");

        var first = JsonNode.Parse((await _server.SendAsync(HttpMethod.Get, "/api/instances/i-1/nodes?top=1", null, _ct)).Body)!;
        var token = first["continuationToken"]!.GetValue<string>();
        var second = JsonNode.Parse((await _server.SendAsync(HttpMethod.Get, $"/api/instances/i-1/nodes?top=1&continuationToken={token}", null, _ct)).Body)!;

        var a = Assert.Single(first["nodes"]!.AsArray())!;
        Assert.Equal(("a", "succeeded", 7), (a["path"]!.GetValue<string>(), a["status"]!.GetValue<string>(), a["output"]!.GetValue<int>()));
        var b = Assert.Single(second["nodes"]!.AsArray())!;
        Assert.Equal(("b", "succeeded", 7), (b["path"]!.GetValue<string>(), b["status"]!.GetValue<string>(), b["output"]!.GetValue<int>()));
        Assert.Null(second["continuationToken"]);
    }

    [Fact]
    public async Task Nodes_NoStateRecordedYet_ReturnsAnEmptyPage()
    {
        await StartAsync("seq/instances?instanceId=i-1", "7");
        _server.Backend.ForgetState("i-1");

        var answer = await _server.SendAsync(HttpMethod.Get, "/api/instances/i-1/nodes", null, _ct);

        Assert.Equal((200, """{"nodes":[],"continuationToken":null}"""), (answer.Status, answer.Body));
    }

    [Theory]
    [InlineData("/api/instances/nobody/nodes", 404, """{"error":{"type":"NotFound","message":"Instance 'nobody' does not exist."}}""")]
    [InlineData("/api/instances/back%5Cslash/nodes", 404, """{"error":{"type":"NotFound","message":"Instance 'back\\slash' does not exist."}}""")]
    [InlineData("/api/instances/nobody/nodes?top=0", 400, """{"error":{"type":"ValidationError","message":"top must be an integer from 1 to 1000.","details":[{"path":"top","message":"top must be an integer from 1 to 1000."}]}}""")]
    [InlineData("/api/instances/nobody/nodes?continuationToken=%2A%2A", 400, """{"error":{"type":"ValidationError","message":"continuationToken is not a token this host issued.","details":[{"path":"continuationToken","message":"continuationToken is not a token this host issued."}]}}""")]
    public async Task Nodes_Rejected_AnswersErrorBody(string uri, int status, string error)
    {
        var answer = await _server.SendAsync(HttpMethod.Get, uri, null, _ct);

        Assert.Equal((status, error), (answer.Status, answer.Body));
    }

    [Fact]
    public async Task Nodes_ImpossibleId_Returns404WithoutAskingTheBackend()
    {
        var answer = await _server.SendAsync(HttpMethod.Get, "/api/instances/back%5Cslash/nodes", null, _ct);

        Assert.Equal(404, answer.Status);
        Assert.Equal(0, _server.Backend.Calls);
    }

    [Fact]
    public async Task Rerun_Failed_Returns202WithoutBody()
    {
        await StartAsync("broken/instances?instanceId=b-1", "null");
        Assert.Equal(InstanceStatus.Failed, _server.Backend.State("b-1").Status);

        var answer = await _server.SendAsync(HttpMethod.Post, "/api/instances/b-1/rerun", null, _ct);

        Assert.Equal((202, string.Empty), (answer.Status, answer.Body));
    }

    [Fact]
    public async Task Rerun_NotFailed_Returns409()
    {
        await StartAsync("seq/instances?instanceId=i-1", "1");

        var answer = await _server.SendAsync(HttpMethod.Post, "/api/instances/i-1/rerun", null, _ct);

        Assert.Equal((409, """{"error":{"type":"Conflict","message":"Instance 'i-1' is Completed; only a Failed instance can be rerun."}}"""), (answer.Status, answer.Body));
    }

    [Fact]
    public async Task Rerun_FailedWithoutRecordedState_Returns409()
    {
        await StartAsync("broken/instances?instanceId=b-1", "null");
        _server.Backend.ForgetState("b-1");

        var answer = await _server.SendAsync(HttpMethod.Post, "/api/instances/b-1/rerun", null, _ct);

        Assert.Equal((409, """{"error":{"type":"Conflict","message":"Instance 'b-1' has no recorded final state to rerun from."}}"""), (answer.Status, answer.Body));
    }

    [Theory]
    [InlineData("/api/instances/nobody/rerun", """{"error":{"type":"NotFound","message":"Instance 'nobody' does not exist."}}""", 1)]
    [InlineData("/api/instances/back%5Cslash/rerun", """{"error":{"type":"NotFound","message":"Instance 'back\\slash' does not exist."}}""", 0)]
    public async Task Rerun_Unknown_Returns404(string uri, string error, int backendCalls)
    {
        var answer = await _server.SendAsync(HttpMethod.Post, uri, null, _ct);

        Assert.Equal((404, error), (answer.Status, answer.Body));
        Assert.Equal(backendCalls, _server.Backend.Calls);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'"', 0xC3, (byte)'"' }, "", 1)]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}' }, "", 3)]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'[', (byte)'"', 0xED, 0xA0, 0x80, (byte)'"', (byte)']' }, "/0", 5)]
    public async Task Start_InputNotUtf8_Returns400WithPointerAndOffsetAndStartsNothing(byte[] input, string pointer, int offset)
    {
        var answer = await _server.SendBytesAsync(HttpMethod.Post, "/api/workflows/seq/instances?instanceId=i-1", input, "application/json", _ct);

        var error = JsonNode.Parse(answer.Body)!["error"]!;
        Assert.Equal((400, "ValidationError", pointer), (answer.Status, error["type"]!.GetValue<string>(), error["details"]![0]!["path"]!.GetValue<string>()));
        Assert.Contains($"the byte at offset {offset} of the body", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, _server.Backend.Calls);
    }

    [Fact]
    public async Task Start_InputWithByteOrderMark_StartsWithTheInput()
    {
        var answer = await _server.SendBytesAsync(HttpMethod.Post, "/api/workflows/seq/instances?instanceId=i-1", [0xEF, 0xBB, 0xBF, .. "{\"x\":1}"u8], "application/json", _ct);

        Assert.Equal(202, answer.Status);
        Assert.Equal(1, _server.Backend.State("i-1").Input.GetProperty("x").GetInt32());
    }

    [Theory]
    [InlineData("POST", "/api/workflows/seq%0D/instances", "name")]
    [InlineData("GET", "/api/instances/i%1B1/nodes", "id")]
    [InlineData("POST", "/api/instances/i-1%C2%85/rerun", "id")]
    public async Task Routes_ControlCharacterInRouteValue_Return400WithoutAskingTheBackend(string method, string uri, string parameter)
    {
        var answer = await _server.SendAsync(new HttpMethod(method), uri, method == "POST" ? "{}" : null, _ct);

        Assert.Equal(400, answer.Status);
        Assert.Equal(parameter, JsonNode.Parse(answer.Body)!["error"]!["details"]![0]!["path"]!.GetValue<string>());
        Assert.Equal(0, _server.Backend.Calls);
    }
}
