using System.Text.RegularExpressions;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Tests.Definitions;

/// <summary>Every complete workflow shown in README.md and docs/*.md parses: the docs match the code.</summary>
public sealed partial class DocumentationExampleTests
{
    public static TheoryData<string, int> Examples()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Serverless.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Serverless.sln not found above the test output.");
        }

        var data = new TheoryData<string, int>();
        var files = new[] { Path.Combine(root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md"));
        foreach (var file in files)
        {
            var blocks = JsonBlock().Matches(File.ReadAllText(file));
            for (var i = 0; i < blocks.Count; i++)
            {
                // Only whole workflows: a document with a name and nodes.
                var text = blocks[i].Groups[1].Value;
                if (text.Contains("\"name\"", StringComparison.Ordinal) && text.Contains("\"nodes\"", StringComparison.Ordinal) && !CommentLine().IsMatch(text))
                {
                    data.Add(Path.GetRelativePath(root, file), i);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Parse_WorkflowShownInTheDocs_IsValid(string file, int block)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Serverless.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        var json = JsonBlock().Matches(File.ReadAllText(Path.Combine(root, file)))[block].Groups[1].Value;
        var result = DefinitionParser.Parse(json);
        Assert.True(result.IsValid, $"{file} block {block}: " + string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
    }

    [GeneratedRegex(@"^\s*//|\.\.\.", RegexOptions.Multiline)]
    private static partial Regex CommentLine();

    [GeneratedRegex("```json\\s*\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
