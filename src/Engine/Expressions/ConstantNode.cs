using System.Text.Json;

namespace Serverless.Engine.Expressions;

/// <summary>A value without expressions.</summary>
internal sealed class ConstantNode(JsonElement value) : TemplateNode
{
    public JsonElement Value { get; } = value;
}
