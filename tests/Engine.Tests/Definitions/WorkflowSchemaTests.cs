using System.Text.Json;
using NJsonSchema;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Tests.Definitions;

/// <summary>The JSON Schema shipped for editors (docs/workflow.schema.json) agrees with the parser.</summary>
public sealed class WorkflowSchemaTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "samples")) && Directory.Exists(Path.Combine(dir.FullName, "docs")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    private static string SchemaText => File.ReadAllText(Path.Combine(RepoRoot(), "docs", "workflow.schema.json"));

    private static async Task<JsonSchema> LoadAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await JsonSchema.FromJsonAsync(SchemaText, timeout.Token);
    }

    private static string[] PropertiesOf(JsonElement schema, params string[] path)
    {
        var element = schema;
        foreach (var segment in path)
        {
            element = element.GetProperty(segment);
        }

        return [.. element.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
    }

    private static string[] Sorted(IEnumerable<string> names) => [.. names.Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Schema_EverySample_IsValid()
    {
        var schema = await LoadAsync();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot(), "samples"), "*.json"))
        {
            var errors = schema.Validate(File.ReadAllText(file));
            Assert.True(errors.Count == 0, $"{Path.GetFileName(file)}: {string.Join("; ", errors.Select(e => $"{e.Path} {e.Kind}"))}");
        }
    }

    [Fact]
    public void Schema_FieldsOfEveryObject_MatchTheParser()
    {
        using var document = JsonDocument.Parse(SchemaText);
        var root = document.RootElement;

        Assert.Equal(Sorted(DefinitionReader.DocumentFields), PropertiesOf(root));
        Assert.Equal(Sorted(DefinitionReader.DefaultsFields), PropertiesOf(root, "properties", "defaults"));
        Assert.Equal(Sorted(DefinitionReader.BodyFields), PropertiesOf(root, "definitions", "body"));
        Assert.Equal(Sorted(DefinitionReader.RetryFields), PropertiesOf(root, "definitions", "retrier"));
        Assert.Equal(Sorted(DefinitionReader.RequestFields), PropertiesOf(root, "definitions", "httpNode", "properties", "request"));
        Assert.Equal(Sorted(Syntax.NodeTypes), Sorted(root.GetProperty("definitions").GetProperty("node").GetProperty("properties")
            .GetProperty("type").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!)));
        foreach (var (type, fields) in DefinitionReader.FieldsByType)
        {
            Assert.Equal(Sorted(fields), PropertiesOf(root, "definitions", type + "Node"));
        }
    }

    [Theory]
    [InlineData("unknown-node-field")]
    [InlineData("unknown-document-fields")]
    [InlineData("bad-durations")]
    [InlineData("bad-node-ids")]
    [InlineData("bad-workflow-name")]
    [InlineData("retry-fields")]
    [InlineData("retry-and-timeout-where-not-allowed")]
    [InlineData("http-request-missing")]
    [InlineData("http-success-codes")]
    [InlineData("switch-reserved-case-names")]
    [InlineData("wait-needs-exactly-one")]
    [InlineData("loop-fields")]
    [InlineData("foreach-fields")]
    [InlineData("body-problems")]
    [InlineData("run-after-wrong-kinds")]
    public async Task Schema_StructurallyBadDefinition_IsRejected(string name)
    {
        var schema = await LoadAsync();
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Definitions", "Corpus", "bad", name + ".json"));

        Assert.NotEmpty(schema.Validate(json));
    }

    [Theory]
    [InlineData("node-not-an-object", "/nodes/a")]
    [InlineData("unknown-node-field", "/nodes/a/valu")]
    public async Task Schema_BadNode_IsReportedUnderThatNode(string name, string pointer)
    {
        var schema = await LoadAsync();
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Definitions", "Corpus", "bad", name + ".json"));

        var errors = Flatten(schema.Validate(json)).ToList();

        var jsonPath = "#/" + string.Join(".", pointer.Trim('/').Split('/'));
        Assert.Contains(errors, e => e.Path is not null && (e.Path == jsonPath || e.Path.StartsWith(jsonPath, StringComparison.Ordinal)));
    }

    private static IEnumerable<NJsonSchema.Validation.ValidationError> Flatten(IEnumerable<NJsonSchema.Validation.ValidationError> errors)
    {
        foreach (var error in errors)
        {
            yield return error;
            if (error is NJsonSchema.Validation.ChildSchemaValidationError child)
            {
                foreach (var inner in Flatten(child.Errors.SelectMany(e => e.Value)))
                {
                    yield return inner;
                }
            }
        }
    }
}
