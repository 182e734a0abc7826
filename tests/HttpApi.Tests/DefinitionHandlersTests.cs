using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Serverless.HttpApi.Tests.Infrastructure;

namespace Serverless.HttpApi.Tests;

public sealed class DefinitionHandlersTests : IAsyncLifetime
{
    private const string Get = "GET";
    private const string Put = "PUT";
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
    private ApiServer _server = null!;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync(_ct);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Put_NewThenSameThenChanged_Returns201Then200Then201()
    {
        var first = await _server.PutWorkflowAsync("seq", Workflows.Seq, _ct);
        var same = await _server.PutWorkflowAsync("seq", Workflows.Seq, _ct);
        var changed = await _server.PutWorkflowAsync("seq", Workflows.SeqV2, _ct);

        Assert.Equal((201, """{"name":"seq","version":1}"""), (first.Status, first.Body));
        Assert.Equal((200, """{"name":"seq","version":1}"""), (same.Status, same.Body));
        Assert.Equal((201, """{"name":"seq","version":2}"""), (changed.Status, changed.Body));
        Assert.Equal("application/json; charset=utf-8", first.ContentType);
    }

    [Fact]
    public async Task Put_InvalidRouteName_Returns400BeforeReadingTheBody()
    {
        var answer = await _server.PutWorkflowAsync("Bad_Name", "{not json", _ct);

        Assert.Equal(400, answer.Status);
        Assert.Equal(
            """{"error":{"type":"ValidationError","message":"Workflow name 'Bad_Name' is invalid: use 1 to 63 characters from a-z, 0-9 and '-'.","details":[{"path":"/name","message":"Workflow name 'Bad_Name' is invalid: use 1 to 63 characters from a-z, 0-9 and '-'."}]}}""",
            answer.Body);
    }

    [Fact]
    public async Task Put_OverDocumentLimit_Returns413()
    {
        var huge = "{\"name\":\"seq\",\"description\":\"" + new string('x', ApiServer.MaxDocumentBytes) + "\",\"nodes\":{}}";

        var answer = await _server.PutWorkflowAsync("seq", huge, _ct);

        Assert.Equal(413, answer.Status);
        Assert.Equal("""{"error":{"type":"PayloadTooLarge","message":"The request body is larger than the limit of 4096 bytes."}}""", answer.Body);
    }

    [Fact]
    public async Task Put_NotJson_Returns400InvalidJson()
    {
        var answer = await _server.PutWorkflowAsync("seq", "{\"name\": ", _ct);

        Assert.Equal(400, answer.Status);
        Assert.Equal("""{"error":{"type":"InvalidJson","message":"The request body is not valid JSON at line 1, position 10."}}""", answer.Body);
    }

    [Fact]
    public async Task Put_InvalidDefinition_Returns400WithEveryErrorAndPointer()
    {
        var answer = await _server.PutWorkflowAsync("bad", """{"name":"bad","nodes":{"a":{"type":"nope"},"b":{"type":"set","value":1,"runAfter":["missing"]}}}""", _ct);
        var error = JsonNode.Parse(answer.Body)!["error"]!;

        Assert.Equal(400, answer.Status);
        Assert.Equal("ValidationError", error["type"]!.GetValue<string>());
        Assert.Equal($"The definition has {error["details"]!.AsArray().Count} error(s).", error["message"]!.GetValue<string>());
        Assert.Contains(error["details"]!.AsArray(), d => d!["path"]!.GetValue<string>() == "/nodes/a/type");
        Assert.Contains(error["details"]!.AsArray(), d => d!["path"]!.GetValue<string>().StartsWith("/nodes/b/runAfter", StringComparison.Ordinal));
        Assert.Equal(404, (await _server.SendAsync(HttpMethod.Get, "/api/workflows/bad", null, _ct)).Status);
    }

    [Fact]
    public async Task Put_NameDiffersFromRoute_Returns400AtName()
    {
        var answer = await _server.PutWorkflowAsync("seq", Workflows.Other, _ct);

        Assert.Equal(400, answer.Status);
        Assert.Equal(
            """{"error":{"type":"ValidationError","message":"The document's name 'other' differs from the route's name 'seq'.","details":[{"path":"/name","message":"The document's name 'other' differs from the route's name 'seq'."}]}}""",
            answer.Body);
    }

    [Fact]
    public async Task Validate_ValidAndInvalid_Returns200WithVerdict()
    {
        var valid = await _server.SendAsync(HttpMethod.Post, "/api/workflows/validate", Workflows.Seq, _ct);
        var invalid = await _server.SendAsync(HttpMethod.Post, "/api/workflows/validate", """{"name":"Bad Name","nodes":{"a":{"type":"set","value":1}}}""", _ct);

        Assert.Equal((200, """{"valid":true,"errors":[]}"""), (valid.Status, valid.Body));
        Assert.Equal(200, invalid.Status);
        Assert.False(JsonNode.Parse(invalid.Body)!["valid"]!.GetValue<bool>());
        Assert.Contains(JsonNode.Parse(invalid.Body)!["errors"]!.AsArray(), e => e!["path"]!.GetValue<string>() == "/name");
    }

    [Fact]
    public async Task Validate_NotJsonOrTooLarge_Returns400Or413()
    {
        var broken = await _server.SendAsync(HttpMethod.Post, "/api/workflows/validate", "[1,", _ct);
        var huge = await _server.SendAsync(HttpMethod.Post, "/api/workflows/validate", new string(' ', ApiServer.MaxDocumentBytes + 1), _ct);

        Assert.Equal((400, """{"error":{"type":"InvalidJson","message":"The request body is not valid JSON at line 1, position 3."}}"""), (broken.Status, broken.Body));
        Assert.Equal((413, """{"error":{"type":"PayloadTooLarge","message":"The request body is larger than the limit of 4096 bytes."}}"""), (huge.Status, huge.Body));
    }

    [Fact]
    public async Task Put_ByteOrderMark_IsSkippedAndTheDocumentRegistered()
    {
        var withBom = await _server.SendBytesAsync(HttpMethod.Put, "/api/workflows/seq", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Workflows.Seq)], "application/json", _ct);
        var withoutBom = await _server.PutWorkflowAsync("seq", Workflows.Seq, _ct);

        Assert.Equal((201, """{"name":"seq","version":1}"""), (withBom.Status, withBom.Body));
        Assert.Equal((200, """{"name":"seq","version":1}"""), (withoutBom.Status, withoutBom.Body));
    }

    [Fact]
    public async Task Put_InvalidUtf8InAString_Returns400WithPointerAndOffsetAndRegistersNothing()
    {
        // "café" as Latin-1: the byte 0xE9 alone is not UTF-8; System.Text.Json parses it and fails only when reading.
        byte[] body = [.. """{"name":"seq","nodes":{"a":{"type":"set","value":"caf"""u8, 0xE9, .. "\"}}}"u8];

        var answer = await _server.SendBytesAsync(HttpMethod.Put, "/api/workflows/seq", body, "application/json", _ct);
        var after = await _server.SendAsync(HttpMethod.Get, "/api/workflows/seq", null, _ct);

        const string Message = "The text at '/nodes/a/value' is not valid UTF-8: the byte at offset 53 of the body (0xE9) does not begin or continue a character; JSON text must be UTF-8.";
        Assert.Equal(
            (400, $$$"""{"error":{"type":"ValidationError","message":"{{{Message}}}","details":[{"path":"/nodes/a/value","message":"{{{Message}}}"}]}}"""),
            (answer.Status, answer.Body));
        Assert.Equal(404, after.Status);
    }

    [Theory]
    [InlineData("application/json; charset=utf-16", "utf-16")]
    [InlineData("text/plain; charset=\"ISO-8859-1\"", "ISO-8859-1")]
    public async Task Put_CharsetOtherThanUtf8_Returns415(string contentType, string charset)
    {
        var answer = await _server.SendBytesAsync(HttpMethod.Put, "/api/workflows/seq", Encoding.UTF8.GetBytes(Workflows.Seq), contentType, _ct);

        Assert.Equal(
            (415, $$$"""{"error":{"type":"UnsupportedMediaType","message":"The request body must be UTF-8 JSON; its Content-Type declares charset '{{{charset}}}'."}}"""),
            (answer.Status, answer.Body));
    }

    [Theory]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    public async Task Put_Utf8OrNoCharset_IsReadAsJsonWhateverTheMediaType(string contentType)
    {
        var answer = await _server.SendBytesAsync(HttpMethod.Put, "/api/workflows/seq", Encoding.UTF8.GetBytes(Workflows.Seq), contentType, _ct);

        Assert.Equal(201, answer.Status);
    }

    [Theory]
    [InlineData(Put, "/api/workflows/a%01b", "name", "U+0001 at character 2")]
    [InlineData(Get, "/api/workflows/a%01b", "name", "U+0001 at character 2")]
    [InlineData(Get, "/api/workflows/%7F/versions", "name", "U+007F at character 1")]
    [InlineData(Get, "/api/workflows/seq/versions/1%0A", "version", "U+000A at character 2")]
    public async Task Routes_ControlCharacterInRouteValue_Return400NamingTheParameter(string method, string uri, string parameter, string where)
    {
        var answer = await _server.SendAsync(new HttpMethod(method), uri, method == Put ? "{}" : null, _ct);

        var message = $"The route value '{parameter}' has a control character ({where}); no name, id or version has one.";
        Assert.Equal(
            (400, $$$"""{"error":{"type":"ValidationError","message":"{{{message}}}","details":[{"path":"{{{parameter}}}","message":"{{{message}}}"}]}}"""),
            (answer.Status, answer.Body));
    }

    [Fact]
    public async Task GetRoutes_Registered_ReturnDefinitionVersionsAndList()
    {
        await _server.PutWorkflowAsync("seq", Workflows.Seq, _ct);
        await _server.PutWorkflowAsync("seq", Workflows.SeqV2, _ct);

        var latest = JsonNode.Parse((await _server.SendAsync(HttpMethod.Get, "/api/workflows/seq", null, _ct)).Body)!;
        var one = JsonNode.Parse((await _server.SendAsync(HttpMethod.Get, "/api/workflows/seq/versions/1", null, _ct)).Body)!;
        var versions = JsonNode.Parse((await _server.SendAsync(HttpMethod.Get, "/api/workflows/seq/versions", null, _ct)).Body)!.AsArray();
        var list = JsonNode.Parse((await _server.SendAsync(HttpMethod.Get, "/api/workflows", null, _ct)).Body)!.AsArray();

        Assert.Equal(2, latest["version"]!.GetValue<int>());
        Assert.NotNull(latest["nodes"]!["c"]);
        Assert.Equal(1, one["version"]!.GetValue<int>());
        Assert.Null(one["nodes"]!["c"]);
        Assert.Equal([1, 2], versions.Select(v => v!["version"]!.GetValue<int>()));
        Assert.All(versions, v => Assert.NotNull(v!["createdAt"]));
        var entry = Assert.Single(list);
        Assert.Equal(("seq", 2), (entry!["name"]!.GetValue<string>(), entry["latestVersion"]!.GetValue<int>()));
        Assert.NotNull(entry["updatedAt"]);
    }

    [Theory]
    [InlineData("/api/workflows/unknown", """{"error":{"type":"NotFound","message":"Workflow 'unknown' is not registered."}}""")]
    [InlineData("/api/workflows/unknown/versions", """{"error":{"type":"NotFound","message":"Workflow 'unknown' is not registered."}}""")]
    [InlineData("/api/workflows/Bad_Name", """{"error":{"type":"NotFound","message":"Workflow 'Bad_Name' is not registered."}}""")]
    [InlineData("/api/workflows/Bad_Name/versions", """{"error":{"type":"NotFound","message":"Workflow 'Bad_Name' is not registered."}}""")]
    [InlineData("/api/workflows/Bad_Name/versions/1", """{"error":{"type":"NotFound","message":"Workflow 'Bad_Name' is not registered."}}""")]
    [InlineData("/api/workflows/seq/versions/9", """{"error":{"type":"NotFound","message":"Workflow 'seq' has no version 9."}}""")]
    [InlineData("/api/workflows/seq/versions/one", """{"error":{"type":"NotFound","message":"Version 'one' is invalid: use a positive integer.","details":[{"path":"version","message":"Version 'one' is invalid: use a positive integer."}]}}""")]
    public async Task GetRoutes_Unknown_Return404WithErrorBody(string uri, string body)
    {
        await _server.PutWorkflowAsync("seq", Workflows.Seq, _ct);

        var answer = await _server.SendAsync(HttpMethod.Get, uri, null, _ct);

        Assert.Equal((404, body), (answer.Status, answer.Body));
    }

    [Fact]
    public async Task GetLatest_HtmlSignificantCharacters_WritesThemUnescaped()
    {
        var json = """{"name":"seq","description":"a < b && c > 'd'","nodes":{"a":{"type":"set","value":"${{ input }}"}}}""";
        await _server.PutWorkflowAsync("seq", json, _ct);

        var answer = await _server.SendAsync(HttpMethod.Get, "/api/workflows/seq", null, _ct);

        Assert.Contains("\"description\":\"a < b && c > 'd'\"", answer.Body, StringComparison.Ordinal);
        Assert.Contains("\"value\":\"${{ input }}\"", answer.Body, StringComparison.Ordinal);
        Assert.Equal("application/json; charset=utf-8", answer.ContentType);
    }

    [Theory]
    [InlineData("", "text/plain; charset=utf-8")]
    [InlineData("?format=mermaid", "text/plain; charset=utf-8")]
    [InlineData("?format=", "text/plain; charset=utf-8")]
    [InlineData("?format=SVG", "image/svg+xml; charset=utf-8")]
    [InlineData("?format=svg&version=1", "image/svg+xml; charset=utf-8")]
    public async Task Diagram_Registered_AnswersTheFormatWithItsContentType(string query, string contentType)
    {
        await _server.PutWorkflowAsync("seq", Workflows.Seq, _ct);

        var answer = await _server.SendAsync(HttpMethod.Get, "/api/workflows/seq/diagram" + query, null, _ct);

        Assert.Equal((200, contentType), (answer.Status, answer.ContentType));
        if (contentType.StartsWith("image/svg+xml", StringComparison.Ordinal))
        {
            var svg = XDocument.Parse(answer.Body).Root!;
            Assert.Equal("{http://www.w3.org/2000/svg}svg", svg.Name.ToString());
            Assert.Equal(["a", "b"], svg.Descendants().Select(e => (string?)e.Attribute("data-node-id")).OfType<string>());
        }
        else
        {
            Assert.Equal("flowchart LR\n    n_a[\"a<br/>set\"]\n    n_b[\"b<br/>set\"]\n    n_a --> n_b\n", answer.Body);
        }
    }

    [Fact]
    public async Task Diagram_Version_DrawsThatVersionAndWithoutOneTheLatest()
    {
        await _server.PutWorkflowAsync("seq", Workflows.Seq, _ct);
        await _server.PutWorkflowAsync("seq", Workflows.SeqV2, _ct);

        var first = await _server.SendAsync(HttpMethod.Get, "/api/workflows/seq/diagram?version=1", null, _ct);
        var latest = await _server.SendAsync(HttpMethod.Get, "/api/workflows/seq/diagram", null, _ct);

        Assert.DoesNotContain("n_c", first.Body, StringComparison.Ordinal);
        Assert.Contains("    n_b --> n_c\n", latest.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/workflows/seq/diagram?format=png", 400, """{"error":{"type":"ValidationError","message":"format must be mermaid or svg, not 'png'.","details":[{"path":"format","message":"format must be mermaid or svg, not 'png'."}]}}""")]
    [InlineData("/api/workflows/seq/diagram?version=0", 400, """{"error":{"type":"ValidationError","message":"Version '0' is invalid: use a positive integer.","details":[{"path":"version","message":"Version '0' is invalid: use a positive integer."}]}}""")]
    [InlineData("/api/workflows/seq/diagram?format=svg&version=x", 400, """{"error":{"type":"ValidationError","message":"Version 'x' is invalid: use a positive integer.","details":[{"path":"version","message":"Version 'x' is invalid: use a positive integer."}]}}""")]
    [InlineData("/api/workflows/seq/diagram?format=gif&version=x", 400, """{"error":{"type":"ValidationError","message":"format must be mermaid or svg, not 'gif'.","details":[{"path":"format","message":"format must be mermaid or svg, not 'gif'."}]}}""")]
    [InlineData("/api/workflows/a%0Ab/diagram", 400, """{"error":{"type":"ValidationError","message":"The route value 'name' has a control character (U+000A at character 2); no name, id or version has one.","details":[{"path":"name","message":"The route value 'name' has a control character (U+000A at character 2); no name, id or version has one."}]}}""")]
    [InlineData("/api/workflows/unknown/diagram", 404, """{"error":{"type":"NotFound","message":"Workflow 'unknown' is not registered."}}""")]
    [InlineData("/api/workflows/Bad_Name/diagram?format=png", 404, """{"error":{"type":"NotFound","message":"Workflow 'Bad_Name' is not registered."}}""")]
    [InlineData("/api/workflows/unknown/diagram?version=2", 404, """{"error":{"type":"NotFound","message":"Workflow 'unknown' has no version 2."}}""")]
    [InlineData("/api/workflows/seq/diagram?version=9", 404, """{"error":{"type":"NotFound","message":"Workflow 'seq' has no version 9."}}""")]
    public async Task Diagram_BadOrUnknown_AnswersTheErrorAsJson(string uri, int status, string body)
    {
        await _server.PutWorkflowAsync("seq", Workflows.Seq, _ct);

        var answer = await _server.SendAsync(HttpMethod.Get, uri, null, _ct);

        Assert.Equal((status, body, "application/json; charset=utf-8"), (answer.Status, answer.Body, answer.ContentType));
    }
}
