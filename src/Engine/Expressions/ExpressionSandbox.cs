using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jint;
using Jint.Native;
using Jint.Runtime;

namespace Serverless.Engine.Expressions;

/// <summary>
/// Evaluates compiled templates. Plain paths (<c>input.a.b</c>) are read straight from the JSON values; everything
/// else runs in a locked-down Jint engine, one per thread, reused across evaluations.
/// </summary>
internal static class ExpressionSandbox
{
    [ThreadStatic]
    private static SandboxEngine? t_engine;

    [ThreadStatic]
    private static StringBuilder? t_text;

    /// <summary>Evaluates <paramref name="template"/>, adding the secret references of its result to <paramref name="secrets"/>.</summary>
    public static JsonElement Evaluate(Template template, ExpressionScope scope, List<SecretReference>? secrets)
    {
        var compiled = (CompiledTemplate)template.Compiled;

        // A whole-value path needs neither the engine nor a copy: the result is the scope's own JSON value.
        if (compiled.Root is ExpressionNode { Expression: var expression } && TryReadPath(expression, scope, out var direct))
        {
            return direct;
        }

        var session = new Session(template, compiled, scope) { Secrets = secrets };
        var buffer = JsonValueConverter.Buffer.Rent();
        WriteNode(buffer.Writer, compiled.Root, session);
        return JsonValueConverter.ToElement(buffer.WrittenSpan);
    }

    public static bool EvaluateCondition(Template template, CompiledExpression expression, ExpressionScope scope)
    {
        if (TryReadPath(expression, scope, out var direct))
        {
            return TemplateCompiler.IsTruthy(direct);
        }

        var session = new Session(template, (CompiledTemplate)template.Compiled, scope);
        return TypeConverter.ToBoolean(session.Run(expression));
    }

    private static void WriteNode(Utf8JsonWriter writer, TemplateNode node, Session session)
    {
        switch (node)
        {
            case ConstantNode constant:
                constant.Value.WriteTo(writer);
                break;
            case ExpressionNode { Expression: var expression }:
                WriteExpression(writer, expression, session);
                break;
            case InterpolationNode interpolation:
                writer.WriteStringValue(Interpolate(interpolation, session));
                break;
            case ObjectNode obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.Properties)
                {
                    writer.WritePropertyName(name);
                    WriteNode(writer, value, session);
                }

                writer.WriteEndObject();
                break;
            case ArrayNode array:
                writer.WriteStartArray();
                foreach (var item in array.Items)
                {
                    WriteNode(writer, item, session);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException($"Unknown template node {node.GetType().Name}.");
        }
    }

    private static void WriteExpression(Utf8JsonWriter writer, CompiledExpression expression, Session session)
    {
        if (TryReadPath(expression, session.Scope, out var direct))
        {
            direct.WriteTo(writer);
            return;
        }

        var value = session.Run(expression);
        Guard(session, expression, () => JsonValueConverter.Write(writer, value));
    }

    private static string Interpolate(InterpolationNode interpolation, Session session)
    {
        var text = t_text ??= new StringBuilder();
        text.Clear();
        foreach (var part in interpolation.Parts)
        {
            if (part.Secret is { } secret)
            {
                // Only here, from the definition's own text, does a secret reference arise; expression values below
                // are data, whatever they spell.
                session.Secrets?.Add(new SecretReference(interpolation.Pointer, text.Length, secret));
                text.Append(SecretReference.Token(secret));
                continue;
            }

            if (part.Expression is not { } expression)
            {
                text.Append(part.Text);
                continue;
            }

            if (TryReadPath(expression, session.Scope, out var direct))
            {
                AppendJson(text, direct);
            }
            else
            {
                var value = session.Run(expression);
                Guard(session, expression, () => AppendJs(text, value));
            }

            if (text.Length > JsonValueConverter.MaxStringLength)
            {
                throw session.Failure(expression, $"the interpolated string is longer than the limit of {JsonValueConverter.MaxStringLength} characters");
            }
        }

        var result = text.ToString();
        if (text.Capacity > 64 * 1024)
        {
            // Do not keep a large buffer alive on the thread.
            t_text = null;
        }

        return result;
    }

    /// <summary>Strings go in raw; every other value as compact JSON.</summary>
    private static void AppendJson(StringBuilder text, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                text.Append(value.GetString());
                break;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                text.Append(value.GetRawText());
                break;
            default:
                var bytes = new System.Buffers.ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(bytes, JsonValueConverter.WriterOptions))
                {
                    value.WriteTo(writer);
                }

                text.Append(Encoding.UTF8.GetString(bytes.WrittenSpan));
                break;
        }
    }

    private static void AppendJs(StringBuilder text, JsValue value)
    {
        switch (value.Type)
        {
            case Types.String:
                if (((JsString)value).Length > JsonValueConverter.MaxStringLength)
                {
                    throw new ConversionException($"a string of {((JsString)value).Length} characters is longer than the limit of {JsonValueConverter.MaxStringLength}");
                }

                text.Append(value.AsString());
                break;
            case Types.Undefined or Types.Null:
                text.Append("null");
                break;
            case Types.Boolean:
                text.Append(value.AsBoolean() ? "true" : "false");
                break;
            default:
                var bytes = new System.Buffers.ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(bytes, JsonValueConverter.WriterOptions))
                {
                    JsonValueConverter.Write(writer, value);
                }

                text.Append(Encoding.UTF8.GetString(bytes.WrittenSpan));
                break;
        }
    }

    private static void Guard(Session session, CompiledExpression expression, Action convert)
    {
        try
        {
            convert();
        }
        catch (ConversionException ex)
        {
            throw session.Failure(expression, "produced a value JSON cannot hold: " + ex.Message, ex);
        }
        catch (Exception ex) when (ex is JintException or InvalidOperationException)
        {
            // A getter on the result ran script while it was converted.
            throw session.Failure(expression, ex.Message, ex);
        }
    }

    /// <summary>Follows a plain path on the scope's JSON values; false whenever JavaScript semantics could differ.</summary>
    private static bool TryReadPath(CompiledExpression expression, ExpressionScope scope, out JsonElement value)
    {
        value = default;
        if (expression.Path is not { } path)
        {
            return false;
        }

        var segments = path.Segments.AsSpan();
        JsonElement current;
        switch (path.Root)
        {
            case "input":
                current = scope.Input;
                break;
            case "item" when scope.Item is { } item:
                current = item;
                break;
            case "previous" when scope.Previous is { } previous:
                current = previous;
                break;
            case "output" when scope.Output is { } output:
                current = output;
                break;
            case "nodes" when segments.Length >= 2 && scope.Nodes.TryGetValue(segments[0], out var node):
                switch (segments[1])
                {
                    case "output":
                        current = node.Output ?? JsonValues.Null;
                        break;
                    case "status" when segments.Length == 2:
                        value = JsonSerializer.SerializeToElement(node.Status);
                        return true;
                    default:
                        return false;
                }

                segments = segments[2..];
                break;
            default:
                return false;
        }

        foreach (var segment in segments)
        {
            switch (current.ValueKind)
            {
                case JsonValueKind.Object when current.TryGetProperty(segment, out var property):
                    current = property;
                    break;
                case JsonValueKind.Array when TryParseIndex(segment, out var index) && index < current.GetArrayLength():
                    current = current[index];
                    break;
                default:
                    return false;
            }
        }

        // Undefined only arises from a default element; JavaScript would give undefined, so let the engine decide.
        if (current.ValueKind == JsonValueKind.Undefined)
        {
            return false;
        }

        value = current;
        return true;
    }

    private static bool TryParseIndex(string segment, out int index)
    {
        index = 0;
        // Only canonical indexes: JavaScript reads arr["01"] as a property, not an element.
        return segment.Length > 0 && (segment.Length == 1 || segment[0] != '0')
            && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    /// <summary>One template evaluation: binds the thread's engine to the scope on first use.</summary>
    private sealed class Session(Template template, CompiledTemplate compiled, ExpressionScope scope)
    {
        private SandboxEngine? _engine;

        public CompiledTemplate Compiled { get; } = compiled;

        public ExpressionScope Scope { get; } = scope;

        /// <summary>Where the secret references of the result are collected, when the caller wants them.</summary>
        public List<SecretReference>? Secrets { get; init; }

        public JsValue Run(CompiledExpression expression)
        {
            var engine = _engine ??= Bind();
            try
            {
                return engine.Engine.Evaluate(expression.Script);
            }
            catch (JavaScriptException ex)
            {
                engine.Engine.Advanced.ResetCallStack();
                throw Failure(expression, "threw " + Describe(ex), ex);
            }
            catch (StatementsCountOverflowException ex)
            {
                Discard();
                throw Failure(expression, $"ran more than the limit of {SandboxEngine.MaxStatements} statements", ex);
            }
            catch (RecursionDepthOverflowException ex)
            {
                Discard();
                throw Failure(expression, $"nested calls deeper than the limit of {SandboxEngine.MaxRecursionDepth}", ex);
            }
            catch (MemoryLimitExceededException ex)
            {
                Discard();
                throw Failure(expression, "broke a size limit: " + ex.Message, ex);
            }
            catch (RegexMatchTimeoutException ex)
            {
                Discard();
                throw Failure(expression, "ran a regular expression that backtracks without end", ex);
            }
            catch (Exception ex) when (ex is JintException or InvalidOperationException or ArgumentException or IndexOutOfRangeException or InsufficientExecutionStackException)
            {
                Discard();
                throw Failure(expression, ex.Message, ex);
            }
        }

        public ExpressionException Failure(CompiledExpression expression, string reason, Exception? inner = null)
            => new("${{ " + expression.Text + " }}", $"Expression {expression.Display} at {PointerText} {reason}", inner);

        private string PointerText => template.Pointer.Length == 0 ? "(document root)" : template.Pointer;

        private static string Describe(JavaScriptException ex)
        {
            // Errors read as "TypeError: message"; thrown non-errors (throw 'x') as their value.
            if (ex.Error is Jint.Native.Object.ObjectInstance error && error.Get("name") is JsString name)
            {
                return name + ": " + ex.Message;
            }

            return ex.Message;
        }

        private SandboxEngine Bind()
        {
            var engine = t_engine ??= new SandboxEngine();
            engine.Bind(Scope, Compiled, Compiled.AllNodes ? null : template.ReferencedNodes);
            return engine;
        }

        private void Discard()
        {
            // A limit broke mid-run: start the next evaluation on a fresh engine rather than trust this one's state.
            if (ReferenceEquals(t_engine, _engine))
            {
                t_engine = null;
            }

            _engine = null;
        }
    }
}
