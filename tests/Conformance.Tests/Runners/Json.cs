using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Conformance.Tests.Runners;

/// <summary>JSON helpers for comparing results across runners.</summary>
public static class Json
{
    /// <summary>Parses JSON text into a detached element.</summary>
    public static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>Parses JSON text into a node (null for JSON null).</summary>
    public static JsonNode? Node(string? json) => json is null ? null : JsonNode.Parse(json);

    /// <summary>A node from an element (null for JSON null or undefined).</summary>
    public static JsonNode? Node(JsonElement? element)
        => element is { } e && e.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null) ? JsonNode.Parse(e.GetRawText()) : null;

    /// <summary>Compact JSON with object keys sorted ordinally at every level; <c>null</c> for null.</summary>
    public static string Canonical(JsonNode? node) => Sort(node)?.ToJsonString() ?? "null";

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sort)]),
        null => null,
        _ => JsonNode.Parse(node.ToJsonString()),
    };
}
