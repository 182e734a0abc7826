using System.Collections.Immutable;
using Acornima.Ast;
using Jint;

namespace Serverless.Engine.Expressions;

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
