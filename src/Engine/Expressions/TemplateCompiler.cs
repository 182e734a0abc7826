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
        var context = new CompileContext(options, errors, pointer);

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

        var partialReads = context.Reads
            .Where(pair => pair.Value is not null)
            .ToImmutableDictionary(pair => pair.Key, pair => pair.Value!.ToImmutableArray());
        var compiled = new CompiledTemplate(root, context.Globals, context.AllNodes, partialReads);
        return new Template(
            pointer,
            value.GetRawText(),
            isConstant: !context.HasExpressions,
            [.. context.Nodes],
            context.UsesSecrets,
            compiled);
    }

    public static JsonElement Evaluate(Template template, ExpressionScope scope, List<SecretReference>? secrets)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(scope);
        var compiled = (CompiledTemplate)template.Compiled;
        return compiled.Root is ConstantNode constant ? constant.Value : ExpressionSandbox.Evaluate(template, scope, secrets);
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
            _ => IsTruthy(ExpressionSandbox.Evaluate(template, scope, secrets: null)),
        };
    }

    /// <summary>JavaScript truthiness of a JSON value.</summary>
    internal static bool IsTruthy(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False => false,
        // A number too large for a double is certainly not zero.
        JsonValueKind.Number => !value.TryGetDouble(out var number) || number is not 0,
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
                var names = new HashSet<string>(StringComparer.Ordinal);
                var constant = true;
                foreach (var property in value.EnumerateObject())
                {
                    var propertyPointer = JsonPointer.Append(pointer, property.Name);
                    if (!names.Add(property.Name))
                    {
                        // Strict JSON; and secret references are located by pointer, which must name one string.
                        context.Errors.Add(new ValidationError(propertyPointer, $"duplicate field '{property.Name}'"));
                    }

                    var node = CompileValue(property.Value, propertyPointer, context);
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
                    var node = CompileValue(item, JsonPointer.Append(pointer, index), context);
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
                    FlushLiteral(parts, literal);
                    parts.Add(new InterpolationPart(null, null, secret));
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

        // Secret references stay parts, not text, so nothing an expression produces can pass for one.
        return new InterpolationNode(parts.ToImmutable(), pointer[context.RootPointer.Length..]);
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
        var display = CompiledExpression.Shorten(source);
        Acornima.Ast.Expression syntax;
        ExpressionAnalyzer analysis;
        Prepared<Acornima.Ast.Script> script;
        try
        {
            syntax = new Parser(s_parserOptions).ParseExpression(source, sourceFile: null, strict: true);
            analysis = ExpressionAnalyzer.Analyze(syntax);
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

            // Parenthesised on its own line so a trailing // comment cannot swallow the closing parenthesis; the
            // source already parsed as one expression, so the wrapper cannot change its meaning.
            script = global::Jint.Engine.PrepareScript("(" + source + "\n)", source: null, strict: true);
        }
        catch (ParseErrorException ex)
        {
            context.Errors.Add(new ValidationError(pointer, $"invalid expression {display}: {ex.Description} at column {ex.Column + 1}"));
            return default;
        }
        catch (ScriptPreparationException ex)
        {
            context.Errors.Add(new ValidationError(pointer, $"invalid expression {display}: {(ex.InnerException ?? ex).Message}"));
            return default;
        }
        catch (InsufficientExecutionStackException)
        {
            context.Errors.Add(new ValidationError(pointer, $"invalid expression {display}: it is nested too deeply"));
            return default;
        }

        context.Globals |= analysis.Globals;
        context.AllNodes |= analysis.AllNodes;
        foreach (var (root, names) in analysis.Reads)
        {
            if (names is null)
            {
                context.Reads[root] = null;
            }
            else if (!context.Reads.TryGetValue(root, out var merged))
            {
                context.Reads[root] = new SortedSet<string>(names, StringComparer.Ordinal);
            }
            else
            {
                merged?.UnionWith(names);
            }
        }
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

    private sealed class CompileContext(TemplateOptions options, ICollection<ValidationError> errors, string rootPointer)
    {
        public TemplateOptions Options { get; } = options;

        /// <summary>The template's own pointer: inner pointers relative to it locate strings in the result.</summary>
        public string RootPointer { get; } = rootPointer;

        public ICollection<ValidationError> Errors { get; } = errors;

        public SortedSet<string> Nodes { get; } = new(StringComparer.Ordinal);

        public ScopeGlobals Globals { get; set; }

        public Dictionary<ScopeGlobals, SortedSet<string>?> Reads { get; } = [];

        public bool AllNodes { get; set; }

        public bool UsesSecrets { get; set; }

        public bool HasExpressions { get; set; }
    }
}
