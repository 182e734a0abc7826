using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Standalone.Tests.Infrastructure;

namespace Serverless.Standalone.Tests.Routes;

[Collection(AzuriteCollection.Name)]
public sealed class DefinitionRoutesTests(AzuriteFixture azurite)
{
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Fact]
    public async Task PutWorkflow_NewThenSameThenChanged_Returns201Then200Then201WithNextVersion()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        var v1 = """{"name":"defs-versioning","nodes":{"a":{"type":"set","value":1}}}""";
        var v1Reordered = """{ "nodes": {"a": {"value": 1, "type": "set"}}, "name": "defs-versioning" }""";
        var v2 = """{"name":"defs-versioning","nodes":{"a":{"type":"set","value":2}}}""";

        using var first = await host.Client.PutAsync("/api/workflows/defs-versioning", new StringContent(v1), ct);
        using var same = await host.Client.PutAsync("/api/workflows/defs-versioning", new StringContent(v1Reordered), ct);
        using var changed = await host.Client.PutAsync("/api/workflows/defs-versioning", new StringContent(v2), ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(1, (await first.Content.ReadFromJsonAsync<JsonObject>(ct))!["version"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(1, (await same.Content.ReadFromJsonAsync<JsonObject>(ct))!["version"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Created, changed.StatusCode);
        Assert.Equal(2, (await changed.Content.ReadFromJsonAsync<JsonObject>(ct))!["version"]!.GetValue<int>());

        var latest = await host.Client.GetFromJsonAsync<JsonObject>("/api/workflows/defs-versioning", ct);
        Assert.Equal(2, latest!["version"]!.GetValue<int>());
        Assert.Equal(2, latest["nodes"]!["a"]!["value"]!.GetValue<int>());
        var versions = await host.Client.GetFromJsonAsync<JsonArray>("/api/workflows/defs-versioning/versions", ct);
        Assert.Equal([1, 2], versions!.Select(v => v!["version"]!.GetValue<int>()));
        var one = await host.Client.GetFromJsonAsync<JsonObject>("/api/workflows/defs-versioning/versions/1", ct);
        Assert.Equal(1, one!["nodes"]!["a"]!["value"]!.GetValue<int>());
        var all = await host.Client.GetFromJsonAsync<JsonArray>("/api/workflows", ct);
        var entry = all!.Single(w => w!["name"]!.GetValue<string>() == "defs-versioning");
        Assert.Equal(2, entry!["latestVersion"]!.GetValue<int>());
        Assert.NotNull(entry["updatedAt"]);
    }

    [Fact]
    public async Task PutWorkflow_Invalid_Returns400WithEveryErrorAndPointer()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        var invalid = """{"name":"defs-invalid","nodes":{"a":{"type":"nope"},"b":{"type":"set","value":1,"runAfter":["missing"]}}}""";

        using var response = await host.Client.PutAsync("/api/workflows/defs-invalid", new StringContent(invalid), ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationError", body!["error"]!["type"]!.GetValue<string>());
        var details = body["error"]!["details"]!.AsArray();
        Assert.True(details.Count >= 2, body.ToJsonString());
        Assert.All(details, d => Assert.StartsWith("/nodes/", d!["path"]!.GetValue<string>(), StringComparison.Ordinal));
        using var missing = await host.Client.GetAsync("/api/workflows/defs-invalid", ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task PutWorkflow_NameDiffersFromRoute_Returns400AtName()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();

        using var response = await host.Client.PutAsync("/api/workflows/defs-other", new StringContent("""{"name":"defs-mismatch","nodes":{"a":{"type":"set","value":1}}}"""), ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("/name", body!["error"]!["details"]![0]!["path"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutWorkflow_NotJson_Returns400InvalidJson()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();

        using var response = await host.Client.PutAsync("/api/workflows/defs-broken", new StringContent("{\"name\": "), ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidJson", body!["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutWorkflow_OverSizeLimit_Returns413()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        var huge = "{\"name\":\"defs-huge\",\"description\":\"" + new string('x', 1_100_000) + "\",\"nodes\":{}}";

        using var response = await host.Client.PutAsync("/api/workflows/defs-huge", new StringContent(huge), ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("PayloadTooLarge", body!["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Validate_ValidAndInvalid_Returns200WithVerdict()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();

        using var valid = await host.Client.PostAsync("/api/workflows/validate", new StringContent(Workflows.Seq), ct);
        using var invalid = await host.Client.PostAsync("/api/workflows/validate", new StringContent("""{"name":"Bad Name","nodes":{}}"""), ct);
        var validBody = await valid.Content.ReadFromJsonAsync<JsonObject>(ct);
        var invalidBody = await invalid.Content.ReadFromJsonAsync<JsonObject>(ct);

        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.True(validBody!["valid"]!.GetValue<bool>());
        Assert.Empty(validBody["errors"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, invalid.StatusCode);
        Assert.False(invalidBody!["valid"]!.GetValue<bool>());
        Assert.Contains(invalidBody["errors"]!.AsArray(), e => e!["path"]!.GetValue<string>() == "/name");
    }

    [Fact]
    public async Task GetWorkflow_Unknown_Returns404WithErrorBody()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();

        foreach (var uri in new[] { "/api/workflows/defs-unknown", "/api/workflows/defs-unknown/versions", "/api/workflows/seq/versions/99", "/api/nothing-here" })
        {
            await host.Api.PutWorkflowAsync(Workflows.Seq, ct);
            using var response = await host.Client.GetAsync(uri, ct);
            var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("NotFound", body!["error"]!["type"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task GetDiagram_Registered_AnswersMermaidByDefaultAndSvgOnRequest()
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync();
        await host.Api.PutWorkflowAsync("""{"name":"defs-diagram","nodes":{"a":{"type":"set","value":1},"b":{"type":"fail","error":"X","runAfter":{"a":["failed"]}}}}""", ct);

        using var mermaid = await host.Client.GetAsync("/api/workflows/defs-diagram/diagram", ct);
        using var svg = await host.Client.GetAsync("/api/workflows/defs-diagram/diagram?format=svg&version=1", ct);

        Assert.Equal(HttpStatusCode.OK, mermaid.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", mermaid.Content.Headers.ContentType!.ToString());
        Assert.Equal(
            "flowchart LR\n    n_a[\"a<br/>set\"]\n    n_b[\"b<br/>fail\"]\n    n_a -->|\"failed\"| n_b\n",
            await mermaid.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.OK, svg.StatusCode);
        Assert.Equal("image/svg+xml; charset=utf-8", svg.Content.Headers.ContentType!.ToString());
        var root = System.Xml.Linq.XDocument.Parse(await svg.Content.ReadAsStringAsync(ct)).Root!;
        Assert.Equal(["a", "b"], root.Descendants().Select(e => (string?)e.Attribute("data-node-id")).OfType<string>());
    }
}
