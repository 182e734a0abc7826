using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Serverless.Engine.Execution;
using static Serverless.Engine.Tests.Execution.ExecutionTestKit;

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
    public async Task ExecuteAsync_MissingSecret_FailsWithValidationErrorNamingIt()
    {
        using var executor = CreateHttpExecutor(secrets: Provider());

        var outcome = await executor.ExecuteAsync(
            HttpWork(new { method = "GET", url = server.Url("json"), headers = new Dictionary<string, string> { ["k"] = "${{ secrets.NOT_THERE }}" } }), Ct);

        var failed = Failed(outcome, ErrorTypes.ValidationError);
        Assert.Contains("'NOT_THERE'", failed.Error.Message, StringComparison.Ordinal);
        Assert.Equal("NOT_THERE", failed.Error.Details!.Value.GetProperty("secret").GetString());
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
