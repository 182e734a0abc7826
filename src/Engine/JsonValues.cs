using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Serverless.Engine;

/// <summary>Small helpers to make immutable JSON values (<see cref="JsonElement"/>s that own their memory).</summary>
internal static class JsonValues
{
    public static JsonElement Null { get; } = Parse("null");

    public static JsonElement EmptyObject { get; } = Parse("{}");

    public static JsonElement EmptyArray { get; } = Parse("[]");

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static JsonElement String(string value) => Write(w => w.WriteStringValue(value));

    public static JsonElement Array(IEnumerable<JsonElement?> items) => Write(w =>
    {
        w.WriteStartArray();
        foreach (var item in items)
        {
            WriteValue(w, item);
        }

        w.WriteEndArray();
    });

    public static JsonElement Object(IEnumerable<KeyValuePair<string, JsonElement?>> properties) => Write(w =>
    {
        w.WriteStartObject();
        foreach (var (name, value) in properties)
        {
            w.WritePropertyName(name);
            WriteValue(w, value);
        }

        w.WriteEndObject();
    });

    /// <summary>The UTF-8 size of the value's JSON text.</summary>
    public static int ByteSize(JsonElement value)
        => value.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Undefined => 5,
            _ => Encoding.UTF8.GetByteCount(value.GetRawText()),
        };

    public static JsonElement Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonElement? value)
    {
        if (value is { ValueKind: not JsonValueKind.Undefined } v)
        {
            v.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
