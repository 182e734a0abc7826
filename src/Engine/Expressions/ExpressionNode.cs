namespace Serverless.Engine.Expressions;

/// <summary>A string that is exactly one expression: takes the expression's JSON value.</summary>
internal sealed class ExpressionNode(CompiledExpression expression) : TemplateNode
{
    public CompiledExpression Expression { get; } = expression;
}
