namespace Serverless.Engine.Expressions;

/// <summary>One part of an interpolated string: literal text, an expression, or a secret reference.</summary>
/// <param name="Text">Literal text of the definition.</param>
/// <param name="Expression">An expression; its value is data.</param>
/// <param name="Secret">The name of a literal <c>${{ secrets.NAME }}</c> of the definition.</param>
internal readonly record struct InterpolationPart(string? Text, CompiledExpression? Expression, string? Secret = null);
