using System.Collections.Immutable;
using System.Text.Json;
using Acornima.Ast;
using Jint;

namespace Serverless.Engine.Expressions;

/// <summary>The scope variables an expression reads, so evaluation converts only those.</summary>
[Flags]
internal enum ScopeGlobals
{
    None = 0,
    Input = 1,
    Nodes = 2,
    Instance = 4,
    Item = 8,
    Index = 16,
    Iteration = 32,
    Previous = 64,
    Output = 128,
    All = Input | Nodes | Instance | Item | Index | Iteration | Previous | Output,
}

/// <summary>One parsed <c>${{ }}</c> expression with its prepared Jint script.</summary>
/// <param name="Text">The expression as written between the braces, trimmed.</param>
/// <param name="Script">The script, parsed once, that evaluates the expression.</param>
/// <param name="Globals">The scope variables the expression reads.</param>
/// <param name="Nodes">The node ids read as <c>nodes.id</c> or <c>nodes["id"]</c>.</param>
/// <param name="AllNodes">Whether the expression reads <c>nodes</c> in a way that names no id (<c>nodes[x]</c>, <c>Object.keys(nodes)</c>).</param>
/// <param name="Path">The expression as a plain path, when it is one (evaluated without the engine when possible).</param>
internal sealed record CompiledExpression(string Text, Prepared<Script> Script, ScopeGlobals Globals, ImmutableArray<string> Nodes, bool AllNodes, ScopePath? Path)
{
    /// <summary>The expression as the user wrote it, for messages.</summary>
    public string Display => "${{ " + Text + " }}";
}

/// <summary>A node of a compiled template tree.</summary>
internal abstract class TemplateNode;

/// <summary>A value without expressions.</summary>
internal sealed class ConstantNode(JsonElement value) : TemplateNode
{
    public JsonElement Value { get; } = value;
}

/// <summary>A string that is exactly one expression: takes the expression's JSON value.</summary>
internal sealed class ExpressionNode(CompiledExpression expression) : TemplateNode
{
    public CompiledExpression Expression { get; } = expression;
}

/// <summary>A string with text around expressions: interpolates to a string.</summary>
internal sealed class InterpolationNode(ImmutableArray<InterpolationPart> parts) : TemplateNode
{
    public ImmutableArray<InterpolationPart> Parts { get; } = parts;
}

/// <summary>Literal text (<see cref="Expression"/> null) or an expression.</summary>
internal readonly record struct InterpolationPart(string? Text, CompiledExpression? Expression);

/// <summary>An object with at least one templated property.</summary>
internal sealed class ObjectNode(ImmutableArray<KeyValuePair<string, TemplateNode>> properties) : TemplateNode
{
    public ImmutableArray<KeyValuePair<string, TemplateNode>> Properties { get; } = properties;
}

/// <summary>An array with at least one templated item.</summary>
internal sealed class ArrayNode(ImmutableArray<TemplateNode> items) : TemplateNode
{
    public ImmutableArray<TemplateNode> Items { get; } = items;
}

/// <summary>What <see cref="Template.Compiled"/> holds.</summary>
/// <param name="Root">The template tree.</param>
/// <param name="Globals">The scope variables any expression reads.</param>
/// <param name="AllNodes">Whether some expression reads nodes it does not name.</param>
/// <param name="GuardSecretTokens">Whether the template may hold secret tokens, so expression results must not add text the executor would read as one.</param>
internal sealed record CompiledTemplate(TemplateNode Root, ScopeGlobals Globals, bool AllNodes, bool GuardSecretTokens);
