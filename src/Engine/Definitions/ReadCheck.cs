using System.Text.Json;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Definitions;

/// <summary>What one template's expressions may read, checked once the whole document is indexed.</summary>
/// <param name="Scope">The scope the template is evaluated in.</param>
/// <param name="Node">
/// The node whose expression it is: it may read its runAfter ancestors and what its enclosing foreach/loop may read.
/// Null for a scope's output or a loop's until: they may read every node of <paramref name="Scope"/> too.
/// </param>
internal sealed record ReadCheck(ScopeInfo Scope, NodeInfo? Node)
{
    public Template? Template { get; init; }

    public JsonElement Value { get; init; }

    public string Pointer { get; init; } = "";
}
