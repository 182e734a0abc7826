using System.Text.Json.Nodes;
using Serverless.Standalone.Tests.Infrastructure;

namespace Serverless.Standalone.Tests.Routes;

/// <summary>
/// The <c>/api/instances</c> aliases of the Durable instance routes: for the same instance and the same request, each
/// answers exactly as its <c>/runtime/webhooks/durabletask/instances</c> route (status code, body, headers, continuation
/// tokens), except that a 202 status answer's <c>Location</c> is the URL the client polled.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class InstanceAliasRoutesTests(AzuriteFixture azurite)
{
    private const string Durable = WorkflowApi.Instances;
    private const string Alias = "/api/instances";

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Status_RunningThenFinal_AliasAnswersAsTheDurableRoute_LocationIsThePolledUrl()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Waiter, ct);
        await host.Api.StartAsync("waiter", "alias-status", "{\"n\":1}", ct);
        await host.Api.WaitForStatusAsync("alias-status", s => s == "Running", ct);
        var baseUrl = host.Client.BaseAddress!.ToString().TrimEnd('/');

        foreach (var query in new[] { "", "?showInput=false", "?showHistory=true&showHistoryOutput=true" })
        {
            var durable = await SendAsync(host, HttpMethod.Get, $"{Durable}/alias-status{query}", null, ct);
            var alias = await SendAsync(host, HttpMethod.Get, $"{Alias}/alias-status{query}", null, ct);

            Assert.Equal((202, durable.Body), (alias.Status, alias.Body));
            Assert.Equal(durable.RetryAfter, alias.RetryAfter);
            Assert.Equal("1", alias.RetryAfter);
            Assert.StartsWith($"{baseUrl}{Durable}/alias-status?taskHub=", durable.Location, StringComparison.Ordinal);
            Assert.Equal($"{baseUrl}{Alias}/alias-status{query}", alias.Location);
        }

        Assert.Equal(202, (await SendAsync(host, HttpMethod.Post, $"{Alias}/alias-status/raiseEvent/go", """{"ok":true}""", ct)).Status);
        var final = await host.Api.WaitForFinalAsync("alias-status", ct);
        var durableFinal = await SendAsync(host, HttpMethod.Get, $"{Durable}/alias-status?showHistory=true", null, ct);
        var aliasFinal = await SendAsync(host, HttpMethod.Get, $"{Alias}/alias-status?showHistory=true", null, ct);

        Assert.True(final["output"]!["ok"]!.GetValue<bool>());
        Assert.Equal((200, durableFinal.Body), (aliasFinal.Status, aliasFinal.Body));
        Assert.Null(aliasFinal.Location);
        Assert.Null(aliasFinal.RetryAfter);
        Assert.Equal(
            ["ExecutionStarted", "EventRaised", "ExecutionCompleted"],
            JsonNode.Parse(aliasFinal.Body)!["historyEvents"]!.AsArray().Select(e => e!["EventType"]!.GetValue<string>()));
    }

    [Fact]
    public async Task List_Paged_AliasAnswersAsTheDurableRoute_AndTheirTokensAreInterchangeable()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);
        var ids = Enumerable.Range(0, 5).Select(i => $"alias-page-{i}").ToList();
        foreach (var id in ids)
        {
            await host.Api.StartAsync("seq", id, "1", ct);
        }

        foreach (var id in ids)
        {
            await host.Api.WaitForFinalAsync(id, ct);
        }

        const string query = "?instanceIdPrefix=alias-page-&top=2&runtimeStatus=Completed,Failed&showInput=false";
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var durable = await SendAsync(host, HttpMethod.Get, Durable + query, null, ct, token);
            var alias = await SendAsync(host, HttpMethod.Get, Alias + query, null, ct, token);

            Assert.Equal((200, durable.Body, durable.ContinuationToken), (alias.Status, alias.Body, alias.ContinuationToken));
            seen.AddRange(JsonNode.Parse(alias.Body)!.AsArray().Select(s => s!["instanceId"]!.GetValue<string>()));

            // A token the alias issued continues the Durable route's listing (and the other way round): one query, one token.
            token = pages % 2 == 0 ? alias.ContinuationToken : durable.ContinuationToken;
            pages++;
        }
        while (token is not null && pages < 20);

        Assert.Equal(ids, seen.Order(StringComparer.Ordinal));
        Assert.True(pages >= 3, $"{pages} pages");
    }

    [Fact]
    public async Task SuspendEventResume_ThroughTheAlias_DeliversTheEventAfterResume()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Waiter, ct);
        await host.Api.StartAsync("waiter", "alias-suspend", "null", ct);
        await host.Api.WaitForStatusAsync("alias-suspend", s => s == "Running", ct);

        Assert.Equal(202, (await SendAsync(host, HttpMethod.Post, $"{Alias}/alias-suspend/suspend?reason=pause", null, ct)).Status);
        await host.Api.WaitForStatusAsync("alias-suspend", s => s == "Suspended", ct);
        Assert.Equal(202, (await SendAsync(host, HttpMethod.Post, $"{Alias}/alias-suspend/raiseEvent/go", "42", ct)).Status);
        var suspended = await SendAsync(host, HttpMethod.Get, $"{Alias}/alias-suspend", null, ct);
        Assert.Equal((202, "Suspended"), (suspended.Status, JsonNode.Parse(suspended.Body)!["runtimeStatus"]!.GetValue<string>()));

        Assert.Equal(202, (await SendAsync(host, HttpMethod.Post, $"{Alias}/alias-suspend/resume?reason=go", null, ct)).Status);
        var final = await host.Api.WaitForFinalAsync("alias-suspend", ct);

        Assert.Equal("Completed", final["runtimeStatus"]!.GetValue<string>());
        Assert.Equal(42, final["output"]!.GetValue<int>());
    }

    [Fact]
    public async Task TerminateThenPurge_ThroughTheAlias_AnswersAsTheDurableRoutes()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Waiter, ct);
        await host.Api.StartAsync("waiter", "alias-purge", "null", ct);
        await host.Api.WaitForStatusAsync("alias-purge", s => s == "Running", ct);

        var durableRunning = await SendAsync(host, HttpMethod.Delete, $"{Durable}/alias-purge", null, ct);
        var aliasRunning = await SendAsync(host, HttpMethod.Delete, $"{Alias}/alias-purge", null, ct);
        Assert.Equal((409, durableRunning.Body), (aliasRunning.Status, aliasRunning.Body));

        Assert.Equal(202, (await SendAsync(host, HttpMethod.Post, $"{Alias}/alias-purge/terminate?reason=cancelled%20by%20user", null, ct)).Status);
        var terminated = await host.Api.WaitForFinalAsync("alias-purge", ct);
        Assert.Equal("Terminated", terminated["runtimeStatus"]!.GetValue<string>());
        Assert.Contains("cancelled by user", terminated["output"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var durableTerminated = await SendAsync(host, HttpMethod.Get, $"{Durable}/alias-purge", null, ct);
        var aliasTerminated = await SendAsync(host, HttpMethod.Get, $"{Alias}/alias-purge", null, ct);
        Assert.Equal((200, durableTerminated.Body), (aliasTerminated.Status, aliasTerminated.Body));

        var purged = await SendAsync(host, HttpMethod.Delete, $"{Alias}/alias-purge", null, ct);
        Assert.Equal((200, """{"instancesDeleted":1}"""), (purged.Status, purged.Body));
        var durableGone = await SendAsync(host, HttpMethod.Get, $"{Durable}/alias-purge", null, ct);
        var aliasGone = await SendAsync(host, HttpMethod.Get, $"{Alias}/alias-purge", null, ct);
        Assert.Equal((404, durableGone.Body), (aliasGone.Status, aliasGone.Body));
        var durablePurgeAgain = await SendAsync(host, HttpMethod.Delete, $"{Durable}/alias-purge", null, ct);
        var aliasPurgeAgain = await SendAsync(host, HttpMethod.Delete, $"{Alias}/alias-purge", null, ct);
        Assert.Equal((404, durablePurgeAgain.Body), (aliasPurgeAgain.Status, aliasPurgeAgain.Body));
    }

    public static TheoryData<string, string, string?> Refusals() => new()
    {
        { "GET", "/alias-nobody", null },
        { "GET", "/alias-final?showInput=maybe", null },
        { "GET", "/back%5Cslash", null },
        { "GET", "/a%0Db", null },
        { "DELETE", "/alias-nobody", null },
        { "DELETE", "/corpus%08", null },
        { "POST", "/alias-nobody/raiseEvent/go", "{}" },
        { "POST", "/alias-final/raiseEvent/go", "{}" },
        { "POST", "/alias-final/raiseEvent/go", "{\"ok\":tru}" },
        { "POST", "/alias-final/raiseEvent/go%09", "1" },
        { "POST", "/back%5Cslash/raiseEvent/go", "{}" },
        { "POST", "/alias-nobody/terminate?reason=x", null },
        { "POST", "/alias-final/terminate?reason=x", null },
        { "POST", "/alias-nobody/suspend", null },
        { "POST", "/alias-final/suspend", null },
        { "POST", "/alias-nobody/resume", null },
        { "POST", "/alias-final/resume", null },
        { "PUT", "/alias-final", "{}" },
        { "GET", "/alias-final/terminate", null },
        { "GET", "?runtimeStatus=Sleeping", null },
        { "GET", "?top=0&createdTimeFrom=yesterday", null },
        { "GET", "?instanceIdPrefix=a%1Fb", null },
        { "GET", "?showHistory=1", null },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refusal_AliasAnswersExactlyAsTheDurableRoute(string method, string suffix, string? body)
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);
        await host.Api.StartAsync("seq", "alias-final", "1", ct);
        await host.Api.WaitForFinalAsync("alias-final", ct);

        var durable = await SendAsync(host, new HttpMethod(method), Durable + suffix, body, ct);
        var alias = await SendAsync(host, new HttpMethod(method), Alias + suffix, body, ct);

        Assert.InRange(alias.Status, 400, 499);
        Assert.Equal((durable.Status, durable.Body.Replace(Durable, Alias, StringComparison.Ordinal)), (alias.Status, alias.Body));
    }

    [Fact]
    public async Task List_GarbageOrForeignToken_Answers400AsTheDurableRoute()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);
        foreach (var id in new[] { "alias-tok-0", "alias-tok-1" })
        {
            await host.Api.StartAsync("seq", id, "1", ct);
            await host.Api.WaitForFinalAsync(id, ct);
        }

        var first = await SendAsync(host, HttpMethod.Get, $"{Alias}?instanceIdPrefix=alias-tok-&top=1", null, ct);
        Assert.NotNull(first.ContinuationToken);

        foreach (var (query, token) in new[] { ("?instanceIdPrefix=alias-tok-&top=1", "garbage"), ("?instanceIdPrefix=alias-other-&top=1", first.ContinuationToken) })
        {
            var durable = await SendAsync(host, HttpMethod.Get, Durable + query, null, ct, token);
            var alias = await SendAsync(host, HttpMethod.Get, Alias + query, null, ct, token);
            Assert.Equal((400, durable.Body), (alias.Status, alias.Body));
            Assert.Contains("x-ms-continuation-token", alias.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NodesAndRerun_BesideTheAliases_StillRouteToTheirOwnHandlers()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync(Workflows.Seq, ct);
        await host.Api.StartAsync("seq", "alias-routes", "3", ct);
        await host.Api.WaitForFinalAsync("alias-routes", ct);

        var nodes = await SendAsync(host, HttpMethod.Get, $"{Alias}/alias-routes/nodes", null, ct);
        var rerun = await SendAsync(host, HttpMethod.Post, $"{Alias}/alias-routes/rerun", null, ct);
        var nodesPost = await SendAsync(host, HttpMethod.Post, $"{Alias}/alias-routes/nodes", "{}", ct);
        var idNamedNodes = await SendAsync(host, HttpMethod.Get, $"{Alias}/nodes", null, ct);
        var rewind = await SendAsync(host, HttpMethod.Post, $"{Alias}/alias-routes/rewind", null, ct);

        Assert.Equal(200, nodes.Status);
        Assert.Equal(["a", "b"], JsonNode.Parse(nodes.Body)!["nodes"]!.AsArray().Select(n => n!["path"]!.GetValue<string>()));
        Assert.Equal(
            (409, """{"error":{"type":"Conflict","message":"Instance 'alias-routes' is Completed; only a Failed instance can be rerun."}}"""),
            (rerun.Status, rerun.Body));
        Assert.Equal((405, "GET"), (nodesPost.Status, nodesPost.Allow));
        Assert.Equal((404, """{"error":{"type":"NotFound","message":"Instance 'nodes' does not exist."}}"""), (idNamedNodes.Status, idNamedNodes.Body));
        Assert.Equal(404, rewind.Status);
    }

    private static async Task<Answer> SendAsync(InProcessHost host, HttpMethod method, string path, string? body, CancellationToken ct, string? continuationToken = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body);
        }

        if (continuationToken is not null)
        {
            request.Headers.TryAddWithoutValidation("x-ms-continuation-token", continuationToken);
        }

        using var response = await host.Client.SendAsync(request, ct);
        return new Answer(
            (int)response.StatusCode,
            await response.Content.ReadAsStringAsync(ct),
            response.Headers.Location?.OriginalString,
            response.Headers.TryGetValues("Retry-After", out var retry) ? retry.Single() : null,
            response.Headers.TryGetValues("x-ms-continuation-token", out var next) ? next.Single() : null,
            response.Content.Headers.Allow.Count > 0 ? string.Join(", ", response.Content.Headers.Allow) : null);
    }

    private sealed record Answer(int Status, string Body, string? Location, string? RetryAfter, string? ContinuationToken, string? Allow);
}
