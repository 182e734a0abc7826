using System.Text.Json;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Expressions;

/// <summary>Parses templates once and evaluates them in the Jint sandbox.</summary>
internal static class TemplateCompiler
{
    public static Template? Compile(JsonElement value, string pointer, TemplateOptions options, ICollection<ValidationError> errors)
        => throw new NotImplementedException();

    public static JsonElement Evaluate(Template template, ExpressionScope scope) => throw new NotImplementedException();

    public static bool EvaluateCondition(Template template, ExpressionScope scope) => throw new NotImplementedException();
}
