using System.Text.Json;
using Serverless.Cli.Tests.Infrastructure;
using Serverless.Testing;

namespace Serverless.Cli.Tests.Commands;

/// <summary><c>validate</c> runs offline: no host.</summary>
public sealed class ValidateCommandTests
{
    private static string CorpusDirectory => Path.Combine(AppContext.BaseDirectory, "Corpus", "bad");

    public static TheoryData<string> BadDefinitions()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(CorpusDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Fact]
    public async Task Validate_ValidDefinition_ExitsZero()
    {
        var file = Path.Combine(Azurite.RepoRoot, "samples", "invoice.json");
        var result = await CliFixture.RunOfflineAsync("validate", file);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("valid ('invoice'", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_Errors_PrintsPointerLineAndColumnAndExitsOne()
    {
        var file = Path.Combine(Path.GetTempPath(), $"swf-validate-{Environment.ProcessId}.json");
        await File.WriteAllTextAsync(file, "{\n  \"name\": \"x\",\n  \"nodes\": {\n    \"a\": { \"type\": \"nope\" }\n  }\n}");
        try
        {
            var result = await CliFixture.RunOfflineAsync("validate", file);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"{file}:4:12: /nodes/a/type:", result.Output, StringComparison.Ordinal);
            Assert.Contains("1 error(s)", result.Output, StringComparison.Ordinal);

            var json = await CliFixture.RunOfflineAsync("validate", file, "-o", "json");
            Assert.Equal(1, json.ExitCode);
            var document = JsonDocument.Parse(json.Output).RootElement;
            Assert.False(document.GetProperty("valid").GetBoolean());
            var error = Assert.Single(document.GetProperty("errors").EnumerateArray());
            Assert.Equal("/nodes/a/type", error.GetProperty("path").GetString());
            Assert.Equal(4, error.GetProperty("line").GetInt32());
            Assert.Equal(12, error.GetProperty("column").GetInt32());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Validate_NotJson_PointsAtTheReadersPosition()
    {
        var file = Path.Combine(Path.GetTempPath(), $"swf-validate-bad-{Environment.ProcessId}.json");
        await File.WriteAllTextAsync(file, "{\n  \"name\": ,\n}");
        try
        {
            var result = await CliFixture.RunOfflineAsync("validate", file);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"{file}:2:", result.Output, StringComparison.Ordinal);
            Assert.Contains("invalid JSON", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Validate_MissingFile_ExitsOne()
    {
        var result = await CliFixture.RunOfflineAsync("validate", "/nonexistent/x.json");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot read", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadDefinitions))]
    public async Task Validate_BadDefinitionCorpus_ExitsOneWithEveryPointer(string name)
    {
        var file = Path.Combine(CorpusDirectory, name + ".json");
        var expected = File.ReadAllLines(Path.Combine(CorpusDirectory, name + ".expected.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t', 2)[0])
            .Select(path => path == "\"\"" ? "(root)" : path);

        var result = await CliFixture.RunOfflineAsync("validate", file);

        Assert.Equal(1, result.ExitCode);
        foreach (var path in expected)
        {
            Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(file)}:\d+:\d+: {System.Text.RegularExpressions.Regex.Escape(path)}: ", result.Output);
        }
    }
}
