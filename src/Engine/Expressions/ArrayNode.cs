using System.Collections.Immutable;
using System.Text.Json;
using Acornima.Ast;
using Jint;

namespace Serverless.Engine.Expressions;

/// <summary>An array with at least one templated item.</summary>
internal sealed class ArrayNode(ImmutableArray<TemplateNode> items) : TemplateNode
{
    public ImmutableArray<TemplateNode> Items { get; } = items;
}
