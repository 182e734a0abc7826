using System.Text.Json.Nodes;
using Serverless.Standalone.Tests.Infrastructure;
using Serverless.Testing;

namespace Serverless.Standalone.Tests.Samples;

/// <summary>
/// The documentation's walkthroughs run as written: every curl block of the README and of samples/README.md (one
/// theory case per section) against the standalone host process on Azurite, started as samples/README.md says, each
/// answer checked against the status code and JSON its comment promises.
/// </summary>
public sealed class DocumentedStepsTests(DocumentedHostFixture fixture) : IClassFixture<DocumentedHostFixture>
{
    private static readonly string[] Documents = ["README.md", "samples/README.md"];

    [Fact]
    public void Start_AsDocumented_LogsNoHealthCheckErrors()
    {
        // HostProcess polls /healthz every 10 ms from the start: while the host sets up storage and primes, the answer
        // is 503 "starting", which is expected, not an error for the log (no documented step makes the host unhealthy).
        // Every line the host wrote so far: its first one comes about half a second before it is healthy.
        var lines = fixture.HostLines;
        Assert.Contains(lines, l => l.Contains("serving task hub", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("HealthChecks.DefaultHealthCheckService", StringComparison.Ordinal));
    }

    /// <summary>Each section of <see cref="Documents"/> that has curl blocks: (document, heading).</summary>
    public static TheoryData<string, string> Sections()
    {
        var data = new TheoryData<string, string>();
        foreach (var document in Documents)
        {
            foreach (var heading in CurlBlocks(document).Select(b => b.Heading).Distinct(StringComparer.Ordinal))
            {
                data.Add(document, heading);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public async Task DocumentedSteps_OnTheStandaloneHost_AnswerAsDocumented(string document, string section)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        await fixture.RunAsync(Steps(document, section), timeout.Token);
    }

    [Fact]
    public void SamplesReadme_EverySampleDefinition_IsRegisteredByItsSteps()
    {
        var steps = CurlBlocks("samples/README.md").SelectMany(b => Steps(b)).ToList();

        foreach (var file in Directory.GetFiles(Path.Combine(Azurite.RepoRoot, "samples"), "*.json"))
        {
            var text = File.ReadAllText(file);
            var name = JsonNode.Parse(text)!["name"]!.GetValue<string>();
            Assert.True(
                steps.Any(s => s.Method == "PUT" && s.Url == $"{DocumentedHostFixture.HostUrl}/api/workflows/{name}" && s.Body == text),
                $"samples/README.md does not register {Path.GetFileName(file)} (PUT {DocumentedHostFixture.HostUrl}/api/workflows/{name} --data-binary @samples/{Path.GetFileName(file)})");
        }
    }

    [Fact]
    public void SamplesReadme_Start_SetsEverySecretTheSamplesReference()
    {
        var secrets = Directory.GetFiles(Path.Combine(Azurite.RepoRoot, "samples"), "*.json")
            .SelectMany(f => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(f), @"\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}"))
            .Select(m => m.Groups[1].Value)
            .Distinct(StringComparer.Ordinal);

        var environment = DocumentedHostFixture.ReadStartEnvironment();
        foreach (var secret in secrets)
        {
            Assert.True(environment.ContainsKey("Secrets__" + secret), $"samples/README.md's start command does not set Secrets__{secret}");
        }
    }

    [Fact]
    public void Commands_QuotesContinuationsAndComments_SplitAsBashDoes()
    {
        var commands = DocumentedSteps.Commands("""
            # a comment line
            curl -X PUT http://h/a -d '{"a":
              "b c"}'   # 201 {"x":1} text
            curl "http://h/b" \
              -H 'x-k: v'  # 200
            """);

        Assert.Equal(2, commands.Count);
        Assert.Equal(["curl", "-X", "PUT", "http://h/a", "-d", "{\"a\":\n  \"b c\"}"], commands[0].Words);
        Assert.Equal("201 {\"x\":1} text", commands[0].Comment);
        var step = DocumentedSteps.Curl(commands[0], Azurite.RepoRoot);
        Assert.Equal(("PUT", 201, "{\"x\":1}"), (step.Method, step.ExpectedStatus, step.ExpectedJson));
        Assert.Equal(["curl", "http://h/b", "-H", "x-k: v"], commands[1].Words);
        var get = DocumentedSteps.Curl(commands[1], Azurite.RepoRoot);
        Assert.Equal(("GET", 200, null, "v"), (get.Method, get.ExpectedStatus, get.ExpectedJson, get.Headers.Single().Value));
    }

    [Fact]
    public void Contains_ObjectsArraysAndNumbers_CompareAsDocumented()
    {
        Assert.Null(DocumentedSteps.Contains(JsonNode.Parse("""{"a":{"b":1.50}}"""), JsonNode.Parse("""{"a":{"b":1.5,"c":2},"d":3}""")));
        Assert.NotNull(DocumentedSteps.Contains(JsonNode.Parse("""{"a":[1]}"""), JsonNode.Parse("""{"a":[1,2]}""")));
        Assert.Null(DocumentedSteps.Contains(JsonNode.Parse("""[{"id":"b"}]"""), JsonNode.Parse("""[{"id":"a"},{"id":"b","x":1}]""")));
        Assert.NotNull(DocumentedSteps.Contains(JsonNode.Parse("""{"a":"1"}"""), JsonNode.Parse("""{"a":1}""")));
        Assert.NotNull(DocumentedSteps.Contains(JsonNode.Parse("""{"a":null}"""), JsonNode.Parse("""{}""")));
    }

    private static IEnumerable<ShellBlock> CurlBlocks(string document)
        => DocumentedSteps.BashBlocks(DocumentedHostFixture.Read(document))
            .Where(b => b.Code.Split('\n').FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#'))?.StartsWith("curl ", StringComparison.Ordinal) == true);

    private static IEnumerable<CurlStep> Steps(string document, string section)
        => CurlBlocks(document).Where(b => b.Heading == section).SelectMany(Steps);

    private static IEnumerable<CurlStep> Steps(ShellBlock block)
        => DocumentedSteps.Commands(block.Code).Select(c => DocumentedSteps.Curl(c, Azurite.RepoRoot));
}
