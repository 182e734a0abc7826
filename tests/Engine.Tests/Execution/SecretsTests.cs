using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CsCheck;
using Microsoft.Extensions.Configuration;
using Serverless.Engine.Execution;
using Serverless.Engine.Expressions;
using Serverless.Engine.Tests.Infrastructure;
using static Serverless.Engine.Tests.Infrastructure.ExecutionTestKit;

namespace Serverless.Engine.Tests.Execution;

public sealed class SecretsTests(FaultServer server) : IClassFixture<FaultServer>, IDisposable
{
    // Characters that URL and JSON escaping change, so every escaped form must be redacted too.
    private const string Secret = "s3cr3t V@lue/&\"x";

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    private static ISecretProvider Provider() => new ConfigurationSecretProvider(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Secrets:API_KEY"] = Secret,
            ["StorageConnection"] = "not-a-secret-to-workflows",
        }).Build());

    private static object RequestWithSecrets(string url) => new
    {
        method = "POST",
        url,
        headers = new Dictionary<string, string>
        {
            ["X-Api-Key"] = "${{ secrets.API_KEY }}",
            ["Authorization"] = "Bearer ${{secrets.API_KEY}}",
        },
        query = new Dictionary<string, string> { ["token"] = "${{ secrets.API_KEY }}" },
        body = new { password = "${{ secrets.API_KEY }}" },
    };

    private static void AssertAbsent(string text)
    {
        foreach (var form in new[] { Secret, Uri.EscapeDataString(Secret), WebUtility.UrlEncode(Secret), JsonEncodedText.Encode(Secret).ToString(), "s3cr3t" })
        {
            Assert.DoesNotContain(form, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ExecuteAsync_FailingRequestWithSecretsInUrlHeadersAndBody_NeverReturnsOrLogsTheValue()
    {
        var logger = new CapturingLogger<HttpNodeExecutor>();
        using var executor = CreateHttpExecutor(secrets: Provider(), logger: logger);
        server.Reset();

        // The server echoes the whole request (URL, headers, body) in a 500 answer.
        var outcome = await executor.ExecuteAsync(
            HttpWork(RequestWithSecrets(server.Url("echo/${{ secrets.API_KEY }}?status=500&key=${{ secrets.API_KEY }}"))), Ct);

        var failed = Failed(outcome, ErrorTypes.HttpError);
        var received = server.Requests.Single();
        Assert.Equal(Secret, received.Headers["x-api-key"]);
        Assert.Contains(JsonEncodedText.Encode(Secret).ToString(), received.Body, StringComparison.Ordinal);
        var serialized = JsonSerializer.Serialize<NodeOutcome>(outcome) + failed.Error + failed.Error.Details;
        AssertAbsent(serialized);
        Assert.Contains("***", failed.Error.Details!.Value.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(logger.Lines);
        AssertAbsent(string.Join("\n", logger.Lines));
    }

    [Fact]
    public async Task ExecuteAsync_NetworkFailureWithSecretInUrl_NeverReturnsOrLogsTheValue()
    {
        var logger = new CapturingLogger<HttpNodeExecutor>();
        using var executor = CreateHttpExecutor(secrets: Provider(), logger: logger);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var outcome = await executor.ExecuteAsync(
            HttpWork(RequestWithSecrets($"http://127.0.0.1:{port}/${{{{ secrets.API_KEY }}}}/x?k=${{{{ secrets.API_KEY }}}}")), Ct);

        Failed(outcome, ErrorTypes.NetworkError);
        AssertAbsent(JsonSerializer.Serialize<NodeOutcome>(outcome));
        AssertAbsent(string.Join("\n", logger.Lines));
    }

    [Fact]
    public async Task ExecuteAsync_SuccessfulResponseEchoingTheSecret_RedactsTheOutput()
    {
        var logger = new CapturingLogger<HttpNodeExecutor>();
        using var executor = CreateHttpExecutor(secrets: Provider(), logger: logger);

        var outcome = await executor.ExecuteAsync(HttpWork(RequestWithSecrets(server.Url("echo"))), Ct);

        var output = Succeeded(outcome).Output;
        AssertAbsent(output.GetRawText());
        Assert.Equal("***", output.GetProperty("body").GetProperty("Headers").GetProperty("x-api-key").GetString());
        AssertAbsent(string.Join("\n", logger.Lines));
    }

    [Fact]
    public async Task ExecuteAsync_RedirectToAnotherOrigin_DropsSecretAndAuthorizationHeaders()
    {
        var resolver = new FakeResolver(new() { ["elsewhere.test"] = [IPAddress.Loopback] });
        using var executor = CreateHttpExecutor(secrets: Provider(), resolver: resolver);
        var request = new
        {
            method = "GET",
            url = server.Url("redirect?to=" + Uri.EscapeDataString($"http://elsewhere.test:{server.Port}/echo")),
            headers = new Dictionary<string, string>
            {
                ["X-Api-Key"] = "${{ secrets.API_KEY }}",
                ["Authorization"] = "Basic plain",
                ["X-Plain"] = "kept",
            },
        };

        var outcome = await executor.ExecuteAsync(HttpWork(request), Ct);

        var headers = Succeeded(outcome).Output.GetProperty("body").GetProperty("Headers");
        Assert.Equal("kept", headers.GetProperty("x-plain").GetString());
        Assert.False(headers.TryGetProperty("x-api-key", out _));
        Assert.False(headers.TryGetProperty("authorization", out _));
    }

    [Fact]
    public async Task ExecuteAsync_RedirectWithinTheOrigin_KeepsHeaders()
    {
        using var executor = CreateHttpExecutor(secrets: Provider());
        var request = new
        {
            method = "GET",
            url = server.Url("redirect?to=%2Fecho"),
            headers = new Dictionary<string, string> { ["X-Api-Key"] = "${{ secrets.API_KEY }}" },
        };
        server.Reset();

        var outcome = await executor.ExecuteAsync(HttpWork(request), Ct);

        Succeeded(outcome);
        Assert.Equal(Secret, server.Requests.Single(r => r.Path == "/echo").Headers["x-api-key"]);
    }

    [Fact]
    public async Task ExecuteAsync_MissingSecret_FailsWithValidationErrorNamingIt()
    {
        using var executor = CreateHttpExecutor(secrets: Provider());

        var outcome = await executor.ExecuteAsync(
            HttpWork(new { method = "GET", url = server.Url("json"), headers = new Dictionary<string, string> { ["k"] = "${{ secrets.NOT_THERE }}" } }), Ct);

        var failed = Failed(outcome, ErrorTypes.ValidationError);
        Assert.Contains("'NOT_THERE'", failed.Error.Message, StringComparison.Ordinal);
        Assert.Equal("NOT_THERE", failed.Error.Details!.Value.GetProperty("secret").GetString());
    }

    // Input that spells a secret reference, alone or together with text around it (issue 9): the request must send it
    // as written. Each case: where the templated text goes, the text as the definition writes it, the input.
    public static TheoryData<string, string, string> Forgeries()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var location in new[] { "body", "header", "query", "url" })
        {
            data.Add(location, "$${{ input.amount }}", """{"amount": "{{ secrets.API_KEY }}"}""");
            data.Add(location, "${{ input.first }}${{ input.last }}", """{"first": "$", "last": "{{ secrets.API_KEY }}"}""");
            data.Add(location, "x${{ input.token }}", """{"token": "${{ secrets.API_KEY }}"}""");
            data.Add(location, "${{ input.token }}", """{"token": "${{ secrets.API_KEY }}"}""");
            data.Add(location, "${{ input.first + input.last }}", """{"first": "${{ secrets.", "last": "API_KEY }}"}""");
        }

        return data;
    }

    // A request that references API_KEY itself (header X-Real) and carries the templated text at one location.
    private object RequestWith(string location, string text) => new
    {
        method = "POST",
        url = location == "url" ? server.Url("echo/") + text : server.Url("echo"),
        headers = location == "header"
            ? new Dictionary<string, string> { ["X-Real"] = "${{ secrets.API_KEY }}", ["X-Data"] = text }
            : new Dictionary<string, string> { ["X-Real"] = "${{ secrets.API_KEY }}" },
        query = location == "query" ? new Dictionary<string, string> { ["data"] = text } : null,
        body = location == "body" ? new { data = text } : null,
    };

    // Everything the server received apart from the one header that references the secret, decoded.
    private static string ReceivedOutsideRealHeader(RecordedRequest received) => string.Join(
        "\n",
        received.Path,
        Uri.UnescapeDataString(received.Query),
        string.Join("\n", received.Headers.Where(h => h.Key != "x-real").Select(h => $"{h.Key}: {h.Value}")),
        received.Body);

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task ExecuteAsync_InputSpellingASecretReference_IsSentAsWrittenNeverResolved(string location, string text, string input)
    {
        using var executor = CreateHttpExecutor(secrets: Provider());
        server.Reset();

        var outcome = await executor.ExecuteAsync(HttpWork(RequestWith(location, text), input: input), Ct);

        Succeeded(outcome);
        var received = server.Requests.Single();
        Assert.Equal(Secret, received.Headers["x-real"]);
        var rest = ReceivedOutsideRealHeader(received);
        Assert.DoesNotContain("s3cr3t", rest, StringComparison.Ordinal);
        Assert.Contains("{{ secrets.API_KEY }}", location == "body" ? JsonDocument.Parse(received.Body).RootElement.GetProperty("data").GetString() : rest, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecuteAsync_RandomInput_NeverSendsASecretOutsideItsReference()
    {
        // Fragments that compose references in every way an attacker might try, joined at random into three strings.
        var fragment = Gen.OneOf("$", "{", "}", "{{", "}}", "${{", "${", " ", "secrets", "secrets.", ".", "API_KEY", "api_key",
            " }}", "${{ secrets.API_KEY }}", "{{ secrets.API_KEY }}", "${{secrets.API_KEY}}", "\\", "%24", "x");
        var text = fragment.Array[0, 8].Select(parts => string.Concat(parts));
        using var executor = CreateHttpExecutor(secrets: Provider());
        var request = new
        {
            method = "POST",
            url = server.Url("echo/") + "${{ input.a }}$${{ input.b }}",
            headers = new Dictionary<string, string>
            {
                ["X-Real"] = "${{ secrets.API_KEY }}",
                ["X-A"] = "${{ input.a }}${{ input.b }}${{ input.c }}",
                ["X-B"] = "$${{ input.c }}",
            },
            query = new Dictionary<string, string> { ["q"] = "${{ input.c }}${{ input.a }}", ["r"] = "${{ input.b }}" },
            body = new { whole = "${{ input }}", joined = "${{ input.a + input.b + input.c }}", mixed = "$${{ input.b }}${{ input.c }}" },
        };

        // One thread: each sample reads the one request the server received for it.
        Gen.Select(text, text, text).Sample((a, b, c) =>
        {
            server.Reset();
            var input = JsonSerializer.Serialize(new { a, b, c });

            var outcome = executor.ExecuteAsync(HttpWork(request, input: input), Ct).GetAwaiter().GetResult();

            var received = server.Requests.Single();
            Assert.Equal(Secret, received.Headers["x-real"]);
            Assert.DoesNotContain("s3cr3t", ReceivedOutsideRealHeader(received), StringComparison.Ordinal);
            Assert.DoesNotContain("s3cr3t", outcome.ToString(), StringComparison.Ordinal);

            // Inputs are placed in the URL as written, so a "..\" in one can climb out of /echo, where the server answers 404.
            if (received.Path.StartsWith("/echo", StringComparison.Ordinal))
            {
                Succeeded(outcome);
            }
            else
            {
                Assert.Equal(404, Failed(outcome, ErrorTypes.HttpError).Error.Details!.Value.GetProperty("status").GetInt32());
            }
        }, iter: 200, threads: 1);
    }

    [Fact]
    public async Task ExecuteAsync_CommandWithoutSecretReferences_ForARequestUsingSecrets_FailsAndSendsNothing()
    {
        using var executor = CreateHttpExecutor(secrets: Provider());
        server.Reset();
        var work = HttpWork(RequestWith("body", "plain"));

        // As an attempt scheduled before references existed arrives: the tokens are in the text, the references are not.
        var outcome = await executor.ExecuteAsync(work with { Command = work.Command with { Secrets = null } }, Ct);

        var failed = Failed(outcome, ErrorTypes.ValidationError);
        Assert.Contains("no secret references", failed.Error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("/headers/X-Real", 3, "does not match the request")]
    [InlineData("/headers/X-Real", 0, "does not match the request", "OTHER")]
    [InlineData("/body/missing", 0, "is not a string of the request")]
    public async Task ExecuteAsync_SecretReferenceNotMatchingTheRequest_FailsAndSendsNothing(string pointer, int offset, string message, string name = "API_KEY")
    {
        var provider = new ConfigurationSecretProvider(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["Secrets:API_KEY"] = Secret, ["Secrets:OTHER"] = "other" }).Build());
        using var executor = CreateHttpExecutor(secrets: provider);
        server.Reset();
        var work = HttpWork(RequestWith("body", "plain"));

        var outcome = await executor.ExecuteAsync(work with { Command = work.Command with { Secrets = [new SecretReference(pointer, offset, name)] } }, Ct);

        var failed = Failed(outcome, ErrorTypes.ValidationError);
        Assert.Contains(message, failed.Error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ConfigurationSecretProvider_ReadsOnlyTheSecretsSection()
    {
        var provider = Provider();

        Assert.Equal(Secret, await provider.GetSecretAsync("API_KEY", Ct));
        Assert.Equal(Secret, await provider.GetSecretAsync("api_key", Ct));
        Assert.Null(await provider.GetSecretAsync("StorageConnection", Ct));
    }

    [Fact]
    public void SecretRedactor_ValueInsideLongerText_IsMaskedInEveryEscapedForm()
    {
        var redactor = new SecretRedactor();
        redactor.Add("a b/c");
        redactor.Add("");

        Assert.Equal("x *** y *** z *** w", redactor.Redact("x a b/c y a%20b%2Fc z a+b%2Fc w"));
        Assert.Equal("""{"***":["***"]}""", redactor.Redact(Json("""{"a b/c":["a b/c"]}""")).GetRawText());
    }
}
