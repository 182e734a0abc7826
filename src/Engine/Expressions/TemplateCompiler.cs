using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Acornima;
using Jint;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Expressions;

/// <summary>Parses templates once and evaluates them in the Jint sandbox.</summary>
internal static class TemplateCompiler
{
    private const string SecretsRule = "secrets may appear only as a whole ${{ secrets.NAME }} token inside http.request strings";

    private static readonly ParserOptions s_parserOptions = new() { EcmaVersion = EcmaVersion.Latest };

    public static Template? Compile(JsonElement value, string pointer, TemplateOptions options, ICollection<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);

        // The caller's document may be disposed after compilation; the template owns a copy.
        value = value.Clone();
        var errorCount = errors.Count;
        var context = new CompileContext(options, errors);

        if (options.RequireSingleExpression && !IsSingleExpression(value))
        {
            errors.Add(new ValidationError(pointer, $"must be a single ${{{{ expression }}}}, got {Describe(value)}"));
            return null;
        }

        var root = CompileValue(value, pointer, context);
        if (errors.Count != errorCount)
        {
            return null;
        }

        var compiled = new CompiledTemplate(root, context.Globals, context.AllNodes, options.AllowSecrets);
        return new Template(
            pointer,
            value.GetRawText(),
            isConstant: !context.HasExpressions,
            [.. context.Nodes],
            context.UsesSecrets,
            compiled);
    }

    public static JsonElement Evaluate(Template template, ExpressionScope scope)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(scope);
        var compiled = (CompiledTemplate)template.Compiled;
        return compiled.Root is ConstantNode constant ? constant.Value : ExpressionSandbox.Evaluate(template, scope);
    }

    public static bool EvaluateCondition(Template template, ExpressionScope scope)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(scope);
        var compiled = (CompiledTemplate)template.Compiled;
        return compiled.Root switch
        {
            ConstantNode constant => IsTruthy(constant.Value),
            ExpressionNode expression => ExpressionSandbox.EvaluateCondition(template, expression.Expression, scope),
            _ => IsTruthy(ExpressionSandbox.Evaluate(template, scope)),
        };
    }

    /// <summary>JavaScript truthiness of a JSON value.</summary>
    internal static bool IsTruthy(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False => false,
        JsonValueKind.Number => value.GetDouble() is not 0 and not double.NaN,
        JsonValueKind.String => value.GetString()!.Length > 0,
        _ => true,
    };

    private static bool IsSingleExpression(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var text = value.GetString()!;
        return text.StartsWith(ExpressionScanner.Open, StringComparison.Ordinal)
            && ExpressionScanner.FindClose(text, ExpressionScanner.Open.Length) == text.Length - 2;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        _ => "null",
    };

    private static TemplateNode CompileValue(JsonElement value, string pointer, CompileContext context)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return CompileString(value, pointer, context);
            case JsonValueKind.Object:
            {
                var properties = ImmutableArray.CreateBuilder<KeyValuePair<string, TemplateNode>>();
                var constant = true;
                foreach (var property in value.EnumerateObject())
                {
                    var node = CompileValue(property.Value, pointer + "/" + EscapePointer(property.Name), context);
                    constant &= node is ConstantNode;
                    properties.Add(new(property.Name, node));
                }

                return constant ? new ConstantNode(value) : new ObjectNode(properties.ToImmutable());
            }

            case JsonValueKind.Array:
            {
                var items = ImmutableArray.CreateBuilder<TemplateNode>();
                var constant = true;
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    var node = CompileValue(item, pointer + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture), context);
                    constant &= node is ConstantNode;
                    items.Add(node);
                    index++;
                }

                return constant ? new ConstantNode(value) : new ArrayNode(items.ToImmutable());
            }

            default:
                return new ConstantNode(value);
        }
    }

    private static TemplateNode CompileString(JsonElement value, string pointer, CompileContext context)
    {
        var text = value.GetString()!;
        var open = text.IndexOf(ExpressionScanner.Open, StringComparison.Ordinal);
        if (open < 0)
        {
            return new ConstantNode(value);
        }

        context.HasExpressions = true;
        var parts = ImmutableArray.CreateBuilder<InterpolationPart>();
        var literal = new StringBuilder();
        var position = 0;
        var failed = false;
        while (open >= 0)
        {
            literal.Append(text, position, open - position);
            var close = ExpressionScanner.FindClose(text, open + ExpressionScanner.Open.Length);
            if (close < 0)
            {
                context.Errors.Add(new ValidationError(pointer, $"unterminated ${{{{ at character {open}: expected }}}} to close \"{Excerpt(text, open)}\""));
                return new ConstantNode(value);
            }

            var source = text[(open + ExpressionScanner.Open.Length)..close].Trim();
            var whole = open == 0 && close == text.Length - 2;
            switch (CompileExpression(source, pointer, context))
            {
                case { Secret: { } secret }:
                    literal.Append("${{ secrets.").Append(secret).Append(" }}");
                    break;
                case { Expression: { } expression }:
                    if (whole)
                    {
                        return new ExpressionNode(expression);
                    }

                    FlushLiteral(parts, literal);
                    parts.Add(new InterpolationPart(null, expression));
                    break;
                default:
                    failed = true;
                    break;
            }

            position = close + 2;
            open = text.IndexOf(ExpressionScanner.Open, position, StringComparison.Ordinal);
        }

        literal.Append(text, position, text.Length - position);
        FlushLiteral(parts, literal);
        if (failed)
        {
            return new ConstantNode(value);
        }

        // Only secret tokens: the result is fixed, so evaluation needs no engine.
        return parts.Count == 1 && parts[0].Expression is null
            ? new ConstantNode(JsonSerializer.SerializeToElement(parts[0].Text))
            : new InterpolationNode(parts.ToImmutable());
    }

    private static void FlushLiteral(ImmutableArray<InterpolationPart>.Builder parts, StringBuilder literal)
    {
        if (literal.Length > 0)
        {
            parts.Add(new InterpolationPart(literal.ToString(), null));
            literal.Clear();
        }
    }

    private static (CompiledExpression? Expression, string? Secret) CompileExpression(string source, string pointer, CompileContext context)
    {
        var display = "${{ " + source + " }}";
        Acornima.Ast.Expression syntax;
        try
        {
            syntax = new Parser(s_parserOptions).ParseExpression(source, sourceFile: null, strict: true);
        }
        catch (ParseErrorException ex)
        {
            context.Errors.Add(new ValidationError(pointer, $"invalid expression {display}: {ex.Description} at column {ex.Column + 1}"));
            return default;
        }

        var analysis = ExpressionAnalyzer.Analyze(syntax);
        if (analysis.ReadsSecrets)
        {
            var secret = ExpressionAnalyzer.AsSecretToken(syntax);
            if (secret is null || !context.Options.AllowSecrets)
            {
                context.Errors.Add(new ValidationError(pointer, $"{display}: {SecretsRule}"));
                return default;
            }

            context.UsesSecrets = true;
            return (null, secret);
        }

        Prepared<Acornima.Ast.Script> script;
        try
        {
            // Parenthesised on its own line so a trailing // comment cannot swallow the closing parenthesis; the
            // source already parsed as one expression, so the wrapper cannot change its meaning.
            script = global::Jint.Engine.PrepareScript("(" + source + "\n)", source: null, strict: true);
        }
        catch (Exception ex) when (ex is ParseErrorException or Jint.Runtime.JavaScriptException)
        {
            context.Errors.Add(new ValidationError(pointer, $"invalid expression {display}: {ex.Message}"));
            return default;
        }

        context.Globals |= analysis.Globals;
        context.AllNodes |= analysis.AllNodes;
        foreach (var node in analysis.Nodes)
        {
            context.Nodes.Add(node);
        }

        return (new CompiledExpression(source, script, analysis.Globals, analysis.Nodes, analysis.AllNodes, ExpressionAnalyzer.AsPath(syntax)), null);
    }

    private static string Excerpt(string text, int start)
    {
        const int MaxLength = 40;
        return text.Length - start <= MaxLength ? text[start..] : text.Substring(start, MaxLength) + "...";
    }

    /// <summary>Escapes a property name as a JSON pointer (RFC 6901) token.</summary>
    internal static string EscapePointer(string name)
        => name.Contains('~', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal)
            ? name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)
            : name;

    private sealed class CompileContext(TemplateOptions options, ICollection<ValidationError> errors)
    {
        public TemplateOptions Options { get; } = options;

        public ICollection<ValidationError> Errors { get; } = errors;

        public SortedSet<string> Nodes { get; } = new(StringComparer.Ordinal);

        public ScopeGlobals Globals { get; set; }

        public bool AllNodes { get; set; }

        public bool UsesSecrets { get; set; }

        public bool HasExpressions { get; set; }
    }
}
