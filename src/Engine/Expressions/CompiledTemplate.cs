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
    /// <summary>The longest expression text a message quotes in full.</summary>
    public const int MaxDisplayLength = 200;

    /// <summary>The expression as the user wrote it, shortened for messages.</summary>
    public string Display => Shorten(Text);

    /// <summary>Formats expression text for a message: <c>${{ text }}</c>, cut after <see cref="MaxDisplayLength"/> characters.</summary>
    public static string Shorten(string text)
        => "${{ " + (text.Length <= MaxDisplayLength ? text : string.Concat(text.AsSpan(0, MaxDisplayLength), "...")) + " }}";
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

/// <summary>A string with text around expressions or secret references: interpolates to a string.</summary>
/// <param name="parts">The parts, in order.</param>
/// <param name="pointer">
/// Where the string stands in the template's result, as a JSON pointer relative to the template (fixed, because only
/// objects and arrays of the template itself lead to it): the place its secret references are reported for.
/// </param>
internal sealed class InterpolationNode(ImmutableArray<InterpolationPart> parts, string pointer) : TemplateNode
{
    public ImmutableArray<InterpolationPart> Parts { get; } = parts;

    public string Pointer { get; } = pointer;
}

/// <summary>One part of an interpolated string: literal text, an expression, or a secret reference.</summary>
/// <param name="Text">Literal text of the definition.</param>
/// <param name="Expression">An expression; its value is data.</param>
/// <param name="Secret">The name of a literal <c>${{ secrets.NAME }}</c> of the definition.</param>
internal readonly record struct InterpolationPart(string? Text, CompiledExpression? Expression, string? Secret = null);

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
/// <param name="PartialReads">
/// The JSON scope variables every expression reads only through static property names, with those names: evaluation
/// converts just those properties. A variable read any other way is absent and converted whole.
/// </param>
internal sealed record CompiledTemplate(TemplateNode Root, ScopeGlobals Globals, bool AllNodes, ImmutableDictionary<ScopeGlobals, ImmutableArray<string>> PartialReads);
