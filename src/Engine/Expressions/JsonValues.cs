using System.Text.Json;

namespace Serverless.Engine.Expressions;

/// <summary>Shared JSON constants.</summary>
internal static class JsonValues
{
    public static readonly JsonElement Null = JsonSerializer.SerializeToElement<object?>(null);
}
