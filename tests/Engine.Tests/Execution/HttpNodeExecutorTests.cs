using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Serverless.Engine.Definitions;
using Serverless.Engine.Execution;
using Serverless.Engine.Tests.Infrastructure;
using static Serverless.Engine.Tests.Infrastructure.ExecutionTestKit;

namespace Serverless.Engine.Tests.Execution;

public sealed class HttpNodeExecutorTests(FaultServer server) : IClassFixture<FaultServer>, IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task ExecuteAsync_JsonResponse_ReturnsStatusHeadersAndParsedBody()
    {
        using var executor = CreateHttpExecutor();

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = server.Url("json") }), Ct);

        var output = Succeeded(outcome).Output;
        Assert.Equal(200, output.GetProperty("status").GetInt32());
        Assert.StartsWith("application/json", output.GetProperty("headers").GetProperty("content-type").GetString(), StringComparison.Ordinal);
        Assert.Equal("world", output.GetProperty("body").GetProperty("hello").GetString());
        Assert.Equal(3, output.GetProperty("body").GetProperty("n").GetArrayLength());
    }

    [Fact]
    public async Task ExecuteAsync_TextResponse_ReturnsBodyAsString()
    {
        using var executor = CreateHttpExecutor();

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "get", url = server.Url("text") }), Ct);

        var output = Succeeded(outcome).Output;
        Assert.Equal(JsonValueKind.String, output.GetProperty("body").ValueKind);
        Assert.Equal("plain text", output.GetProperty("body").GetString());
    }

    [Fact]
    public async Task ExecuteAsync_ObjectBodyAndQuery_SendsJsonAndEscapedQueryMergedIntoUrl()
    {
        using var executor = CreateHttpExecutor();
        var request = new
        {
            method = "POST",
            url = server.Url("echo?existing=1"),
            headers = new Dictionary<string, object> { ["X-Custom"] = "yes", ["X-Number"] = 42 },
            query = new Dictionary<string, object> { ["q"] = "a b&c=d/é", ["many"] = new[] { 1, 2 } },
            body = new { name = "order", count = 2 },
        };

        var outcome = await executor.ExecuteAsync(HttpWork(request), Ct);

        var echo = Succeeded(outcome).Output.GetProperty("body");
        Assert.Equal("POST", echo.GetProperty("Method").GetString());
        Assert.Equal("?existing=1&q=a%20b%26c%3Dd%2F%C3%A9&many=1&many=2", echo.GetProperty("Query").GetString());
        Assert.StartsWith("application/json", echo.GetProperty("ContentType").GetString(), StringComparison.Ordinal);
        Assert.Equal("""{"name":"order","count":2}""", echo.GetProperty("Body").GetString());
        Assert.Equal("yes", echo.GetProperty("Headers").GetProperty("x-custom").GetString());
        Assert.Equal("42", echo.GetProperty("Headers").GetProperty("x-number").GetString());
    }

    [Fact]
    public async Task ExecuteAsync_StringBody_SendsTextUnlessContentTypeSaysOtherwise()
    {
        using var executor = CreateHttpExecutor();

        var text = await executor.ExecuteAsync(HttpWork(new { method = "PUT", url = server.Url("echo"), body = "hello" }), Ct);
        var xml = await executor.ExecuteAsync(
            HttpWork(new { method = "PUT", url = server.Url("echo"), headers = new Dictionary<string, string> { ["Content-Type"] = "application/xml" }, body = "<a/>" }),
            Ct);

        var first = Succeeded(text).Output.GetProperty("body");
        Assert.Equal("hello", first.GetProperty("Body").GetString());
        Assert.StartsWith("text/plain", first.GetProperty("ContentType").GetString(), StringComparison.Ordinal);
        var second = Succeeded(xml).Output.GetProperty("body");
        Assert.Equal("<a/>", second.GetProperty("Body").GetString());
        Assert.Equal("application/xml", second.GetProperty("ContentType").GetString());
    }

    [Fact]
    public async Task ExecuteAsync_StatusInSuccessCodes_Succeeds()
    {
        using var executor = CreateHttpExecutor();
        var node = HttpNode() with { SuccessCodes = [new StatusRange(200, 299), new StatusRange(404, 404)] };

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = server.Url("status/404") }, node), Ct);

        Assert.Equal(404, Succeeded(outcome).Output.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task ExecuteAsync_ServerError_FailsWithHttpErrorCarryingStatusAndBody()
    {
        using var executor = CreateHttpExecutor();

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = server.Url("status/502?body=upstream%20down") }), Ct);

        var failed = Failed(outcome, ErrorTypes.HttpError);
        var details = failed.Error.Details!.Value;
        Assert.Equal(502, details.GetProperty("status").GetInt32());
        Assert.Equal("upstream down", details.GetProperty("body").GetString());
        Assert.Contains("502", failed.Error.Message, StringComparison.Ordinal);
        Assert.Null(failed.RetryAfter);
    }

    [Fact]
    public async Task ExecuteAsync_LongErrorBody_IsTruncated()
    {
        using var executor = CreateHttpExecutor(o => o.Http.MaxErrorBodyLength = 10);

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = server.Url("status/500?body=0123456789abcdef") }), Ct);

        var details = Failed(outcome, ErrorTypes.HttpError).Error.Details!.Value;
        Assert.Equal("0123456789", details.GetProperty("body").GetString());
        Assert.True(details.GetProperty("bodyTruncated").GetBoolean());
    }

    [Fact]
    public async Task ExecuteAsync_429WithRetryAfterSeconds_PassesRetryAfterBack()
    {
        using var executor = CreateHttpExecutor();

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = server.Url("status/429?retryAfter=7") }), Ct);

        var failed = Failed(outcome, ErrorTypes.HttpError);
        Assert.Equal(TimeSpan.FromSeconds(7), failed.RetryAfter);
        Assert.Equal(429, failed.Error.Details!.Value.GetProperty("status").GetInt32());
        Assert.Equal(7, failed.Error.Details!.Value.GetProperty("retryAfter").GetDouble());
    }

    [Fact]
    public async Task ExecuteAsync_503WithRetryAfterDate_IsRelativeToTimeProvider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var executor = CreateHttpExecutor(time: time);
        var date = time.GetUtcNow().AddSeconds(120).ToString("r", CultureInfo.InvariantCulture);

        var outcome = await executor.ExecuteAsync(
            HttpWork(new { method = "GET", url = server.Url($"status/503?retryAfterDate={Uri.EscapeDataString(date)}") }), Ct);

        Assert.Equal(TimeSpan.FromSeconds(120), Failed(outcome, ErrorTypes.HttpError).RetryAfter);
    }

    [Fact]
    public async Task ExecuteAsync_SlowResponsePastTimeout_FailsWithTimeout()
    {
        var time = new FakeTimeProvider();
        using var executor = CreateHttpExecutor(time: time);
        server.Reset();

        var running = executor.ExecuteAsync(HttpWork(new { method = "GET", url = server.Url("slow") }, timeout: TimeSpan.FromSeconds(5)), Ct);
        await server.SlowArrived.Task.WaitAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(running.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var outcome = await running.WaitAsync(Ct);

        var failed = Failed(outcome, ErrorTypes.Timeout);
        Assert.Contains("00:00:05", failed.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ConnectionRefused_FailsWithNetworkError()
    {
        using var executor = CreateHttpExecutor();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = $"http://127.0.0.1:{port}/" }), Ct);

        var failed = Failed(outcome, ErrorTypes.NetworkError);
        Assert.Equal("ConnectionError", failed.Error.Details!.Value.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ExecuteAsync_UnknownHost_FailsWithNetworkError()
    {
        using var executor = CreateHttpExecutor(resolver: new FakeResolver([]));

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = "http://nowhere.test/" }), Ct);

        Failed(outcome, ErrorTypes.NetworkError);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExecuteAsync_BodyPastLimit_FailsWithOutputTooLarge(bool declared)
    {
        using var executor = CreateHttpExecutor(o => o.Http.MaxResponseBytes = 4096);

        var within = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = server.Url($"big?bytes=4096&declare={(declared ? 1 : 0)}") }), Ct);
        var over = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = server.Url($"big?bytes=20000&declare={(declared ? 1 : 0)}") }), Ct);

        Assert.Equal(4096, Succeeded(within).Output.GetProperty("body").GetString()!.Length);
        var failed = Failed(over, ErrorTypes.OutputTooLarge);
        Assert.Contains("4096 bytes", failed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxResponseBytes", failed.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_HeadWithLargeDeclaredLength_SucceedsWithoutBody()
    {
        using var executor = CreateHttpExecutor(o => o.Http.MaxResponseBytes = 100);

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "HEAD", url = server.Url("big?bytes=5000&declare=1") }), Ct);

        var output = Succeeded(outcome).Output;
        Assert.Equal(JsonValueKind.Null, output.GetProperty("body").ValueKind);
        Assert.Equal("5000", output.GetProperty("headers").GetProperty("content-length").GetString());
    }

    [Fact]
    public async Task ExecuteAsync_Redirect_IsFollowedAndSeeOtherTurnsIntoGet()
    {
        using var executor = CreateHttpExecutor();
        var target = Uri.EscapeDataString(server.Url("echo"));

        var outcome = await executor.ExecuteAsync(
            HttpWork(new { method = "POST", url = server.Url($"redirect?status=303&to={target}"), body = new { a = 1 } }), Ct);

        var echo = Succeeded(outcome).Output.GetProperty("body");
        Assert.Equal("GET", echo.GetProperty("Method").GetString());
        Assert.Equal("/echo", echo.GetProperty("Path").GetString());
    }

    [Fact]
    public async Task ExecuteAsync_RedirectLoop_FailsAfterTheLimit()
    {
        using var executor = CreateHttpExecutor(o => o.Http.MaxRedirects = 2);
        var self = server.Url("redirect?to=" + Uri.EscapeDataString("/redirect?to=%2Fredirect%3Fto%3D%252Fredirect"));

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = self }), Ct);

        Assert.Contains("more than 2", Failed(outcome, ErrorTypes.NetworkError).Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_RedirectToLinkLocal_IsRefusedNamingTheAddress()
    {
        using var executor = CreateHttpExecutor();
        server.Reset();
        var target = Uri.EscapeDataString("http://169.254.169.254/latest/meta-data/");

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = server.Url($"redirect?to={target}") }), Ct);

        var failed = Failed(outcome, ErrorTypes.NetworkError);
        Assert.Contains("169.254.169.254", failed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("link-local", failed.Error.Message, StringComparison.Ordinal);
        Assert.Equal("169.254.169.254", failed.Error.Details!.Value.GetProperty("address").GetString());
        Assert.Equal(1, server.Hits("/redirect"));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://2852039166/")]
    [InlineData("http://0xA9FEA9FE/")]
    [InlineData("http://[::ffff:169.254.169.254]/")]
    [InlineData("http://[fe80::1]/")]
    public async Task ExecuteAsync_LinkLocalInAnySpelling_IsRefused(string url)
    {
        var resolver = new FakeResolver([]);
        using var executor = CreateHttpExecutor(resolver: resolver);

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url }), Ct);

        Assert.Contains("link-local", Failed(outcome, ErrorTypes.NetworkError).Error.Message, StringComparison.Ordinal);
        Assert.Empty(resolver.Lookups);
    }

    [Fact]
    public async Task ExecuteAsync_NonAsciiHeaderValue_FailsWithValidationError()
    {
        using var executor = CreateHttpExecutor();

        var outcome = await executor.ExecuteAsync(
            HttpWork(new { method = "GET", url = server.Url("json"), headers = new Dictionary<string, string> { ["X-Name"] = "café" } }), Ct);

        Assert.Contains("non-ASCII", Failed(outcome, ErrorTypes.ValidationError).Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_NoUserAgent_SendsADefaultOne()
    {
        using var executor = CreateHttpExecutor();

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = server.Url("echo") }), Ct);

        var headers = Succeeded(outcome).Output.GetProperty("body").GetProperty("Headers");
        Assert.Equal(HttpRequestPlan.UserAgent, headers.GetProperty("user-agent").GetString());
    }

    [Fact]
    public async Task ExecuteAsync_NameResolvingToPrivateAddress_IsRefusedWithoutConnecting()
    {
        var resolver = new FakeResolver(new() { ["internal.example"] = [IPAddress.Parse("10.1.2.3")] });
        using var executor = CreateHttpExecutor(resolver: resolver);

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = "http://internal.example:8080/admin" }), Ct);

        var failed = Failed(outcome, ErrorTypes.NetworkError);
        Assert.Contains("10.1.2.3", failed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("private", failed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("internal.example", resolver.Lookups);
    }

    [Fact]
    public async Task ExecuteAsync_NameWithOneBlockedAddress_IsRefusedAsAWhole()
    {
        var resolver = new FakeResolver(new() { ["mixed.test"] = [IPAddress.Loopback, IPAddress.Parse("169.254.169.254")] });
        using var executor = CreateHttpExecutor(resolver: resolver);

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = $"http://mixed.test:{server.Port}/json" }), Ct);

        Assert.Contains("169.254.169.254", Failed(outcome, ErrorTypes.NetworkError).Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_NameResolvedByGuard_ConnectsToTheCheckedAddress()
    {
        var resolver = new FakeResolver(new() { ["service.test"] = [IPAddress.Loopback] });
        using var executor = CreateHttpExecutor(resolver: resolver);

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = $"http://service.test:{server.Port}/json" }), Ct);

        Assert.Equal(200, Succeeded(outcome).Output.GetProperty("status").GetInt32());
        Assert.Contains("service.test", resolver.Lookups);
    }

    [Fact]
    public async Task ExecuteAsync_LoopbackByDefault_IsRefused()
    {
        using var executor = CreateHttpExecutor(o => o.Http.Network.AllowLoopback = false);
        server.Reset();

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = server.Url("json") }), Ct);

        var failed = Failed(outcome, ErrorTypes.NetworkError);
        Assert.Contains("loopback", failed.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Hits("/json"));
    }

    [Fact]
    public async Task ExecuteAsync_LoopbackInAllowedNetworks_IsAllowed()
    {
        using var executor = CreateHttpExecutor(o =>
        {
            o.Http.Network.AllowLoopback = false;
            o.Http.Network.AllowedNetworks = ["127.0.0.0/8"];
        });

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = server.Url("json") }), Ct);

        Succeeded(outcome);
    }

    [Fact]
    public async Task ExecuteAsync_IdempotencyKeyHeader_SendsTheKey()
    {
        using var executor = CreateHttpExecutor();
        var node = HttpNode() with { IdempotencyKeyHeader = "Idempotency-Key" };
        var work = HttpWork(new { method = "POST", url = server.Url("echo"), body = new { } }, node, attempt: 3);

        var outcome = await executor.ExecuteAsync(work, Ct);

        var headers = Succeeded(outcome).Output.GetProperty("body").GetProperty("Headers");
        Assert.Equal("orders-1:call:0:3", headers.GetProperty("idempotency-key").GetString());
    }

    [Fact]
    public async Task ExecuteAsync_ManagedIdentity_SendsBearerTokenAndRedactsIt()
    {
        using var executor = CreateHttpExecutor(tokens: new FixedTokens("tok-123456"));
        var node = HttpNode() with { ManagedIdentityResource = "api://orders" };

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = server.Url("echo?status=500") }, node), Ct);

        var failed = Failed(outcome, ErrorTypes.HttpError);
        Assert.DoesNotContain("tok-123456", JsonSerializer.Serialize(failed), StringComparison.Ordinal);
        Assert.Equal("Bearer tok-123456", server.Requests.Last().Headers["authorization"]);
    }

    [Fact]
    public async Task ExecuteAsync_ManagedIdentityWithoutProvider_FailsWithValidationError()
    {
        using var executor = CreateHttpExecutor();
        var node = HttpNode() with { ManagedIdentityResource = "api://orders" };

        var outcome = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = server.Url("json") }, node), Ct);

        Assert.Contains("/nodes/call/auth", Failed(outcome, ErrorTypes.ValidationError).Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"url":"http://x.test/"}""", "/nodes/call/request/method")]
    [InlineData("""{"method":"GET"}""", "/nodes/call/request/url")]
    [InlineData("""{"method":"GET","url":"ftp://x.test/"}""", "/nodes/call/request/url")]
    [InlineData("""{"method":"GET","url":"/relative"}""", "/nodes/call/request/url")]
    [InlineData("""{"method":"G E T","url":"http://x.test/"}""", "/nodes/call/request/method")]
    [InlineData("""{"method":"GET","url":"http://x.test/","headers":{"x":{"a":1}}}""", "/nodes/call/request/headers/x")]
    [InlineData("""{"method":"GET","url":"http://x.test/","query":[1]}""", "/nodes/call/request/query")]
    [InlineData("""[1]""", "/nodes/call/request")]
    public async Task ExecuteAsync_InvalidRequest_FailsWithValidationErrorNamingWhere(string request, string pointer)
    {
        using var executor = CreateHttpExecutor();

        var outcome = await executor.ExecuteAsync(HttpWork(Json(request)), Ct);

        var failed = Failed(outcome, ErrorTypes.ValidationError);
        Assert.StartsWith(pointer + ":", failed.Error.Message, StringComparison.Ordinal);
        Assert.Equal(pointer, failed.Error.Details!.Value.GetProperty("path").GetString());
    }

    [Fact]
    public async Task ExecuteAsync_ConcurrencyLimitPerHost_HoldsFurtherRequestsUntilASlotFrees()
    {
        using var executor = CreateHttpExecutor(o => o.Http.MaxConcurrencyPerHost = 2);
        server.Reset();
        var url = server.Url("block");

        var running = Enumerable.Range(0, 4)
            .Select(_ => executor.ExecuteAsync(HttpWork(new { method = "GET", url }), Ct))
            .ToList();
        var host = executor.Hosts.Get(new Uri(url));
        await UntilAsync(() => Volatile.Read(ref server.BlockEntered) == 2 && host.Waiting == 2, Ct);
        Assert.Equal(2, Volatile.Read(ref server.BlockEntered));
        server.OpenGate();
        var outcomes = await Task.WhenAll(running).WaitAsync(Ct);

        Assert.All(outcomes, o => Succeeded(o));
        Assert.Equal(4, Volatile.Read(ref server.BlockEntered));
        Assert.Equal(2, server.MaxInFlight);
    }

    [Fact]
    public async Task ExecuteAsync_ConcurrencyLimitWaitPastTimeout_FailsWithTimeout()
    {
        var time = new FakeTimeProvider();
        using var executor = CreateHttpExecutor(o => o.Http.MaxConcurrencyPerHost = 1, time);
        server.Reset();
        var url = server.Url("block");

        var first = executor.ExecuteAsync(HttpWork(new { method = "GET", url }, timeout: TimeSpan.FromSeconds(60)), Ct);
        await UntilAsync(() => Volatile.Read(ref server.BlockEntered) == 1, Ct);
        var second = executor.ExecuteAsync(HttpWork(new { method = "GET", url }, timeout: TimeSpan.FromSeconds(10)), Ct);
        await UntilAsync(() => executor.Hosts.Get(new Uri(url)).Waiting == 1, Ct);
        time.Advance(TimeSpan.FromSeconds(10));
        var outcome = await second.WaitAsync(Ct);
        server.OpenGate();

        Assert.Contains("slots", Failed(outcome, ErrorTypes.Timeout).Error.Message, StringComparison.Ordinal);
        Succeeded(await first.WaitAsync(Ct));
    }

    private sealed class FixedTokens(string token) : IAccessTokenProvider
    {
        public ValueTask<string> GetAccessTokenAsync(string resource, CancellationToken cancellationToken) => ValueTask.FromResult(token);
    }
}
