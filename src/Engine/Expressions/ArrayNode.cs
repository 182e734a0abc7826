using System.Collections.Immutable;

namespace Serverless.Engine.Expressions;

/// <summary>An array with at least one templated item.</summary>
internal sealed class ArrayNode(ImmutableArray<TemplateNode> items) : TemplateNode
{
    public ImmutableArray<TemplateNode> Items { get; } = items;
}
