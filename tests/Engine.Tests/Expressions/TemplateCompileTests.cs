using System.Text.Json;
using Serverless.Engine.Definitions;
using Serverless.Engine.Expressions;
using Serverless.Engine.Tests.Infrastructure;

namespace Serverless.Engine.Tests.Expressions;

public sealed class TemplateCompileTests
{
    private static readonly TemplateOptions s_secrets = new() { AllowSecrets = true };

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static (Template? Template, List<ValidationError> Errors) Compile(string json, TemplateOptions? options = null, string pointer = "/nodes/0/input")
    {
        var errors = new List<ValidationError>();
        var template = Template.Compile(Json(json), pointer, options ?? TemplateOptions.Default, errors);
        return (template, errors);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("\"plain text with $ and { } and ${ not an expression }\"")]
    [InlineData("{\"a\": [1, \"x\", {\"b\": true}]}")]
    public void Compile_NoExpression_IsConstant(string json)
    {
        var (template, errors) = Compile(json);

        Assert.Empty(errors);
        Assert.NotNull(template);
        Assert.True(template.IsConstant);
        Assert.False(template.UsesSecrets);
        Assert.Empty(template.ReferencedNodes);
        Assert.Equal("/nodes/0/input", template.Pointer);
        Assert.Equal(Json(json).GetRawText(), template.Source);
    }

    [Fact]
    public void Compile_Expression_IsNotConstant()
    {
        var (template, errors) = Compile("{\"a\": \"${{ input.x }}\"}");

        Assert.Empty(errors);
        Assert.False(template!.IsConstant);
    }

    [Fact]
    public void Compile_SyntaxError_ReportsPointerAndExpression()
    {
        var (template, errors) = Compile("\"${{ input.x + }}\"");

        Assert.Null(template);
        var error = Assert.Single(errors);
        Assert.Equal("/nodes/0/input", error.Path);
        Assert.Contains("${{ input.x + }}", error.Message, StringComparison.Ordinal);
        Assert.Contains("invalid expression", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_NestedSyntaxError_ReportsEscapedPointerOfNestedValue()
    {
        var (template, errors) = Compile("{\"ok\": \"${{ 1 }}\", \"a/b~c\": [1, \"x ${{ ) }} y\"]}", pointer: "/root");

        Assert.Null(template);
        var error = Assert.Single(errors);
        Assert.Equal("/root/a~1b~0c/1", error.Path);
        Assert.Contains("${{ ) }}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_SeveralErrors_ReportsEach()
    {
        var (template, errors) = Compile("{\"a\": \"${{ ( }}\", \"b\": [\"${{ ] }}\"], \"c\": \"${{ ok }}\"}", pointer: "");

        Assert.Null(template);
        Assert.Equal(["/a", "/b/0"], errors.Select(e => e.Path));
    }

    [Theory]
    [InlineData("\"${{ input.x\"")]
    [InlineData("\"before ${{ input.x } after\"")]
    [InlineData("\"${{ 'unclosed string }}\"")]
    public void Compile_Unterminated_ReportsError(string json)
    {
        var (template, errors) = Compile(json);

        Assert.Null(template);
        var error = Assert.Single(errors);
        Assert.Equal("/nodes/0/input", error.Path);
        Assert.Contains("unterminated ${{", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a; b")]
    [InlineData("var x = 1")]
    [InlineData("a b")]
    [InlineData("")]
    [InlineData("a) + (b")]
    public void Compile_NotOneExpression_ReportsError(string expression)
    {
        var (template, errors) = Compile(JsonSerializer.Serialize("${{ " + expression + " }}"));

        Assert.Null(template);
        Assert.Single(errors);
    }

    [Theory]
    [InlineData("{a: {b: 1}}")]
    [InlineData("'}}' + input.x")]
    [InlineData("`${input.x}}}`")]
    [InlineData("input.x // trailing comment")]
    [InlineData("[1, 2].map(x => ({v: x}))")]
    public void Compile_ExpressionWithBracesOrComments_Parses(string expression)
    {
        var (template, errors) = Compile(JsonSerializer.Serialize("${{ " + expression + " }}"));

        Assert.Empty(errors);
        Assert.NotNull(template);
    }

    [Fact]
    public void Compile_StrictModeViolation_ReportsError()
    {
        var (template, errors) = Compile("\"${{ 010 }}\"");

        Assert.Null(template);
        Assert.Single(errors);
    }

    [Theory]
    [InlineData("\"${{ input.ok }}\"")]
    [InlineData("\"${{input.ok}}\"")]
    [InlineData("\"${{   input.a && input.b   }}\"")]
    public void Compile_RequireSingleExpression_AcceptsOneExpression(string json)
    {
        var (template, errors) = Compile(json, new TemplateOptions { RequireSingleExpression = true });

        Assert.Empty(errors);
        Assert.NotNull(template);
    }

    [Theory]
    [InlineData("\"x ${{ input.ok }}\"")]
    [InlineData("\" ${{ input.ok }}\"")]
    [InlineData("\"${{ a }}${{ b }}\"")]
    [InlineData("\"plain\"")]
    [InlineData("true")]
    [InlineData("{\"a\": \"${{ input.ok }}\"}")]
    public void Compile_RequireSingleExpression_RejectsAnythingElse(string json)
    {
        var (template, errors) = Compile(json, new TemplateOptions { RequireSingleExpression = true }, pointer: "/nodes/2/if");

        Assert.Null(template);
        var error = Assert.Single(errors);
        Assert.Equal("/nodes/2/if", error.Path);
        Assert.Contains("single ${{ expression }}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_NodeReferences_DistinctInOrdinalOrder()
    {
        var (template, errors) = Compile(
            "{\"a\": \"${{ nodes.fetch.output + nodes['Alpha'].status }}\", \"b\": [\"${{ nodes.fetch.error }} and ${{ nodes?.zed?.output }}\"], \"c\": \"${{ nodes[\\\"b-1\\\"].output }}\"}");

        Assert.Empty(errors);
        Assert.Equal(new[] { "Alpha", "b-1", "fetch", "zed" }, template!.ReferencedNodes.AsEnumerable());
    }

    [Theory]
    [InlineData("input.nodes.x")]
    [InlineData("({nodes: 1}).nodes")]
    [InlineData("item.nodes")]
    public void Compile_NodesAsPropertyName_IsNotANodeReference(string expression)
    {
        var (template, errors) = Compile(JsonSerializer.Serialize("${{ " + expression + " }}"));

        Assert.Empty(errors);
        Assert.Empty(template!.ReferencedNodes);
    }

    [Fact]
    public void Compile_ReferencesInsideFunctions_AreFound()
    {
        var (template, errors) = Compile("\"${{ [1].map(i => nodes.inner.output[i]) }}\"");

        Assert.Empty(errors);
        Assert.Equal(new[] { "inner" }, template!.ReferencedNodes.AsEnumerable());
    }

    [Fact]
    public void Compile_SecretTokenAllowed_KeptAndFlagged()
    {
        var (template, errors) = Compile("{\"Authorization\": \"Bearer ${{ secrets.API_TOKEN }}\"}", s_secrets);

        Assert.Empty(errors);
        Assert.True(template!.UsesSecrets);
        Assert.Empty(template.ReferencedNodes);
    }

    [Theory]
    [InlineData("""{"headers": {"X-Key": "${{ secrets.A }}", "X-Key": "${{ input.k }}"}}""", "/nodes/0/request/headers/X-Key", "X-Key")]
    [InlineData("""{"a": [{"b": 1, "b": 2}]}""", "/nodes/0/request/a/0/b", "b")]
    public void Compile_DuplicateField_ReportsErrorWithPointer(string json, string pointer, string name)
    {
        // Strict JSON; and secret references are located by pointer, which must name one string.
        var (template, errors) = Compile(json, s_secrets, pointer: "/nodes/0/request");

        Assert.Null(template);
        var error = Assert.Single(errors);
        Assert.Equal(pointer, error.Path);
        Assert.Contains($"duplicate field '{name}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"${{ secrets.TOKEN }}\"")]
    [InlineData("\"Bearer ${{ secrets.TOKEN }}\"")]
    public void Compile_SecretNotAllowed_ReportsError(string json)
    {
        var (template, errors) = Compile(json, pointer: "/nodes/1/input/x");

        Assert.Null(template);
        var error = Assert.Single(errors);
        Assert.Equal("/nodes/1/input/x", error.Path);
        Assert.Contains("secrets may appear only as a whole ${{ secrets.NAME }} token inside http.request strings", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("secrets.A + 1")]
    [InlineData("secrets['A']")]
    [InlineData("secrets")]
    [InlineData("secrets?.A")]
    [InlineData("JSON.stringify(secrets)")]
    [InlineData("{secrets}")]
    [InlineData("secrets.A.length")]
    [InlineData("`${secrets.A}`")]
    [InlineData("secrets.$bad")]
    public void Compile_SecretInsideLargerExpression_ReportsError(string expression)
    {
        var (template, errors) = Compile(JsonSerializer.Serialize("x ${{ " + expression + " }}"), s_secrets);

        Assert.Null(template);
        var error = Assert.Single(errors);
        Assert.Contains("secrets may appear only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_SecretsAsPropertyName_IsAllowed()
    {
        var (template, errors) = Compile("\"${{ input.secrets }}\"");

        Assert.Empty(errors);
        Assert.False(template!.UsesSecrets);
    }

    [Fact]
    public void Compile_CallerDisposesDocument_TemplateStillUsable()
    {
        Template? template;
        var errors = new List<ValidationError>();
        using (var document = JsonDocument.Parse("{\"a\": [1, 2]}"))
        {
            template = Template.Compile(document.RootElement, "", TemplateOptions.Default, errors);
        }

        Assert.Equal("{\"a\": [1, 2]}", template!.Source);
        Assert.Equal(2, template.Evaluate(Scopes.Minimal()).GetProperty("a")[1].GetInt32());
    }

    [Theory]
    [InlineData("[", "]", 1000)]
    [InlineData("(", ")", 100_000)]
    [InlineData("!", "", 100_000)]
    [InlineData("a => ", "", 50_000)]
    public void Compile_DeeplyNestedExpression_ReportsErrorInsteadOfCrashing(string open, string close, int depth)
    {
        var source = "${{ " + string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)) + " }}";

        var (template, errors) = Compile(JsonSerializer.Serialize(source));

        Assert.Null(template);
        var error = Assert.Single(errors);
        Assert.Contains("invalid expression", error.Message, StringComparison.Ordinal);
        // Long expressions are cut in messages.
        Assert.True(error.Message.Length < 400, error.Message);
    }
}
