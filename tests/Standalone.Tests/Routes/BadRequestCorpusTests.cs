using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Standalone.Tests.Infrastructure;

namespace Serverless.Standalone.Tests.Routes;

/// <summary>
/// Runs every request of <c>Corpus/bad-requests.json</c> (the HTTP counterpart of the bad-definition corpus in
/// tests/Engine.Tests/Definitions/Corpus) against a host of its own: each must get its status and a JSON error body
/// with its type, details path and message, and leave every workflow and instance exactly as it was.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class BadRequestCorpusTests(AzuriteFixture azurite)
{
    private const string TaskHub = "badrequests";

    private const string Waiter = """
        {"name":"corpus","nodes":{"e":{"type":"event","event":"go"}},"output":"${{ nodes.e.output }}"}
        """;

    private const string Echo = """
        {"name":"corpus-seq","nodes":{"a":{"type":"activity","activity":"echo","input":"${{ input }}"}},"output":"${{ nodes.a.output }}"}
        """;

    /// <summary>Routes no bad request can reach with a 4xx: every request to them answers 501.</summary>
    private static readonly string[] NotImplementedRoutes =
    [
        "/runtime/webhooks/durabletask/instances/{id}/rewind",
        "/runtime/webhooks/durabletask/instances/{id}/restart",
    ];

    private static readonly Lazy<IReadOnlyDictionary<string, BadRequest>> Corpus = new(Load);

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in Corpus.Value.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void Corpus_HoldsOverAHundredBadRequestsEachExpectingA4xx()
    {
        Assert.True(Corpus.Value.Count >= 100, $"{Corpus.Value.Count} cases");
        Assert.All(Corpus.Value.Values, c => Assert.InRange(c.Status, 400, 499));
    }

    [Fact]
    public async Task Corpus_CoversEveryMappedRoute()
    {
        var host = await azurite.SharedHostAsync(TaskHub);
        // Every route a method maps (catch-alls and the fallback map none); a case covers a route its path matches.
        var routes = host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is { HttpMethods.Count: > 0 })
            .Where(e => !NotImplementedRoutes.Contains(e.RoutePattern.RawText, StringComparer.Ordinal))
            .DistinctBy(e => e.RoutePattern.RawText, StringComparer.Ordinal)
            .ToList();

        var uncovered = routes.Where(route =>
        {
            var matcher = new TemplateMatcher(new RouteTemplate(route.RoutePattern), new RouteValueDictionary());
            return !Corpus.Value.Values.Any(c => matcher.TryMatch(new PathString(c.Path.Split('?')[0]), new RouteValueDictionary()));
        }).Select(route => route.RoutePattern.RawText).ToList();

        Assert.True(routes.Count >= 15, string.Join(", ", routes.Select(r => r.RoutePattern.RawText)));
        Assert.Empty(uncovered);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadRequest_AnswersItsErrorAndChangesNothing(string name)
    {
        var ct = Timeout();
        var host = await azurite.SharedHostAsync(TaskHub);
        await SeedAsync(host, ct);
        var before = await SnapshotAsync(host, ct);
        var request = Corpus.Value[name];

        var response = await RawHttp.SendAsync(
            host.Client.BaseAddress!, request.Method, request.Path, request.Headers, request.Body, ct);

        var text = Encoding.UTF8.GetString(response.Body);
        Assert.True(request.Status == response.Status, $"{name}: {request.Method} answered {response.Status} {text}");
        if (request.Server is not null)
        {
            // The web server answered before the host ran: the status is all there is.
            Assert.Empty(response.Body);
        }
        else
        {
            Assert.Equal("application/json; charset=utf-8", response.Headers.GetValueOrDefault("content-type"));
            var error = Assert.Single(JsonNode.Parse(text)!.AsObject());
            Assert.Equal("error", error.Key);
            Assert.Equal(request.Type, error.Value!["type"]!.GetValue<string>());
            var message = error.Value["message"]!.GetValue<string>();
            Assert.False(string.IsNullOrWhiteSpace(message), text);
            var details = (error.Value["details"] as JsonArray ?? [])
                .Select(d => (Path: d!["path"]!.GetValue<string>(), Message: d["message"]!.GetValue<string>()))
                .ToList();
            if (request.Message is not null)
            {
                Assert.True(
                    message.Contains(request.Message, StringComparison.Ordinal) || details.Any(d => d.Message.Contains(request.Message, StringComparison.Ordinal)),
                    $"'{request.Message}' is in no message of: {text}");
            }

            if (request.Pointer is not null)
            {
                Assert.True(details.Any(d => d.Path == request.Pointer), $"no details path '{request.Pointer}' in: {text}");
            }

            if (response.Status == 405)
            {
                Assert.False(string.IsNullOrEmpty(response.Headers.GetValueOrDefault("allow")), "405 without Allow");
            }
        }

        Assert.Equal(before, await SnapshotAsync(host, ct));
    }

    // The workflows and instances the cases aim at: registered and started idempotently, so every case may seed. A
    // case that failed by moving corpus-running on is reported there; the instance starts over for the next case.
    private static async Task SeedAsync(InProcessHost host, CancellationToken ct)
    {
        await host.Api.PutWorkflowAsync(Waiter, ct);
        await host.Api.PutWorkflowAsync(Echo, ct);
        if (await host.Api.StatusAsync("corpus-running", ct) is (200, _))
        {
            using var purged = await host.Client.DeleteAsync($"{WorkflowApi.Instances}/corpus-running", ct);
        }

        await host.Api.StartAsync("corpus", "corpus-running", "null", ct);
        await host.Api.StartAsync("corpus-seq", "corpus-done", """{"x":1}""", ct);
        await host.Api.WaitForStatusAsync("corpus-running", s => s == "Running", ct);
        await host.Api.WaitForStatusAsync("corpus-done", s => s == "Completed", ct);
    }

    /// <summary>Every workflow with every version's document, every instance's status and every node's detail.</summary>
    private static async Task<string> SnapshotAsync(InProcessHost host, CancellationToken ct)
    {
        var snapshot = new JsonObject();
        var workflows = (await host.Client.GetFromJsonAsync<JsonArray>("/api/workflows", ct))!;
        foreach (var name in workflows.Select(w => w!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal))
        {
            var versions = (await host.Client.GetFromJsonAsync<JsonArray>($"/api/workflows/{name}/versions", ct))!;
            var documents = new JsonArray();
            foreach (var version in versions)
            {
                documents.Add(await host.Client.GetFromJsonAsync<JsonObject>($"/api/workflows/{name}/versions/{version!["version"]}", ct));
            }

            snapshot[name] = new JsonObject { ["list"] = workflows.Single(w => w!["name"]!.GetValue<string>() == name)!.DeepClone(), ["versions"] = documents };
        }

        var instances = (await host.Client.GetFromJsonAsync<JsonArray>($"{WorkflowApi.Instances}?top=1000", ct))!;
        foreach (var instance in instances.OrderBy(i => i!["instanceId"]!.GetValue<string>(), StringComparer.Ordinal))
        {
            var id = instance!["instanceId"]!.GetValue<string>();
            snapshot["instance:" + id] = new JsonObject
            {
                ["status"] = instance.DeepClone(),
                ["nodes"] = await host.Client.GetFromJsonAsync<JsonObject>($"/api/instances/{Uri.EscapeDataString(id)}/nodes?top=1000", ct),
            };
        }

        return snapshot.ToJsonString();
    }

    private static Dictionary<string, BadRequest> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Routes", "Corpus", "bad-requests.json");
        var cases = JsonNode.Parse(
            File.ReadAllText(path),
            documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsArray();
        var result = new Dictionary<string, BadRequest>(StringComparer.Ordinal);
        foreach (var item in cases)
        {
            var name = item!["name"]!.GetValue<string>();
            var headers = (item["headers"] as JsonObject ?? [])
                .Select(h => KeyValuePair.Create(h.Key, Latin1(h.Value!.GetValue<string>())))
                .ToList();
            var body = item["body"]?.GetValue<string>() is { } text ? Bytes(text) : null;
            if (body is not null && !headers.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
            {
                headers.Add(KeyValuePair.Create("Content-Type", "application/json"));
            }

            Assert.True(result.TryAdd(name, new BadRequest(
                item["method"]!.GetValue<string>(),
                Latin1(item["path"]!.GetValue<string>()),
                headers,
                body,
                item["status"]!.GetValue<int>(),
                item["type"]?.GetValue<string>(),
                item["pointer"]?.GetValue<string>(),
                item["message"]?.GetValue<string>(),
                item["server"]?.GetValue<string>())), $"duplicate case {name}");
        }

        return result;
    }

    // "{{text*N}}" repeats text N times; "\xHH" is the byte HH; the rest is UTF-8.
    private static byte[] Bytes(string text)
    {
        var bytes = new List<byte>();
        var expanded = Repeat().Replace(text, m => string.Concat(Enumerable.Repeat(m.Groups[1].Value, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))));
        var parts = RawByte().Split(expanded);
        for (var i = 0; i < parts.Length; i++)
        {
            // Split keeps the captured hex digits at odd indices.
            bytes.AddRange(i % 2 == 0 ? Encoding.UTF8.GetBytes(parts[i]) : [byte.Parse(parts[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture)]);
        }

        return [.. bytes];
    }

    private static string Latin1(string text) => Encoding.Latin1.GetString(Bytes(text));

    [GeneratedRegex(@"\{\{(.+?)\*(\d+)\}\}")]
    private static partial Regex Repeat();

    [GeneratedRegex(@"\\x([0-9A-Fa-f]{2})")]
    private static partial Regex RawByte();

    private sealed record BadRequest(
        string Method,
        string Path,
        IReadOnlyList<KeyValuePair<string, string>> Headers,
        byte[]? Body,
        int Status,
        string? Type,
        string? Pointer,
        string? Message,
        string? Server);
}
