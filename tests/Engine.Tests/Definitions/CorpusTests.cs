using Serverless.Engine.Definitions;

namespace Serverless.Engine.Tests.Definitions;

/// <summary>
/// Runs every bad definition of <c>Corpus/bad</c>. Each <c>name.json</c> has a sidecar <c>name.expected.txt</c>:
/// one <c>path&lt;TAB&gt;message substring</c> per line (<c>#</c> starts a comment). The paths reported must be
/// exactly those listed (as a set), and each listed substring must appear in a message reported at its path.
/// </summary>
public sealed class CorpusTests
{
    private static string CorpusDirectory => Path.Combine(AppContext.BaseDirectory, "Definitions", "Corpus", "bad");

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
    public void Corpus_HasAtLeastFortyBadDefinitions() => Assert.True(BadDefinitions().Count >= 40);

    [Theory]
    [MemberData(nameof(BadDefinitions))]
    public void Parse_BadDefinition_ReportsExactlyTheExpectedPaths(string name)
    {
        var json = File.ReadAllText(Path.Combine(CorpusDirectory, name + ".json"));
        var expected = File.ReadAllLines(Path.Combine(CorpusDirectory, name + ".expected.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t', 2))
            .Select(parts => (Path: parts[0] == "\"\"" ? "" : parts[0], Message: parts.Length > 1 ? parts[1] : ""))
            .ToList();
        Assert.NotEmpty(expected);

        var result = DefinitionParser.Parse(json);

        var report = string.Join("\n", result.Errors.Select(e => $"{e.Path}\t{e.Message}"));
        Assert.False(result.IsValid);
        Assert.Null(result.Definition);
        Assert.True(
            expected.Select(e => e.Path).ToHashSet(StringComparer.Ordinal).SetEquals(result.Errors.Select(e => e.Path)),
            $"paths differ; reported:\n{report}");
        foreach (var (path, message) in expected)
        {
            Assert.True(
                result.Errors.Any(e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal)),
                $"no message at '{path}' contains '{message}'; reported:\n{report}");
        }
    }
}
