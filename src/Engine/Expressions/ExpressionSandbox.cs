using System.Text.Json;

namespace Serverless.Engine.Expressions;

/// <summary>Evaluates compiled expressions in a pooled, locked-down Jint engine.</summary>
internal static class ExpressionSandbox
{
    public static JsonElement Evaluate(CompiledTemplate template, ExpressionScope scope) => throw new NotImplementedException();

    public static bool EvaluateCondition(CompiledTemplate template, CompiledExpression expression, ExpressionScope scope) => throw new NotImplementedException();
}
