using System.Collections.Immutable;

namespace Serverless.Engine.Expressions;

/// <summary>An object with at least one templated property.</summary>
internal sealed class ObjectNode(ImmutableArray<KeyValuePair<string, TemplateNode>> properties) : TemplateNode
{
    public ImmutableArray<KeyValuePair<string, TemplateNode>> Properties { get; } = properties;
}
