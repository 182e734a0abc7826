using System.Collections.Immutable;
using System.Text.Json;
using Acornima.Ast;
using Jint;

namespace Serverless.Engine.Expressions;

/// <summary>A value without expressions.</summary>
internal sealed class ConstantNode(JsonElement value) : TemplateNode
{
    public JsonElement Value { get; } = value;
}
