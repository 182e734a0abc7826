using System.Buffers;
using System.Text.Json;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Execution;

/// <summary>Rewrites the strings of a JSON value.</summary>
internal static class JsonRewriter
{
    /// <summary>Maps every string (and property name, when <paramref name="mapNames"/>) of <paramref name="value"/>.</summary>
    public static JsonElement MapStrings(JsonElement value, Func<string, string> map, bool mapNames = false) =>
        Rewrite(writer => Write(writer, value, null, (_, text) => map(text), mapNames ? map : null));

    /// <summary>Maps every string of <paramref name="value"/> (at <paramref name="pointer"/>), given its JSON pointer.</summary>
    public static JsonElement MapStrings(JsonElement value, string pointer, Func<string, string, string> map) =>
        Rewrite(writer => Write(writer, value, pointer, (at, text) => map(at!, text), null));

    private static JsonElement Rewrite(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    // pointer is null when the map does not need it (then none is built).
    private static void Write(
        Utf8JsonWriter writer, JsonElement value, string? pointer, Func<string?, string, string> map, Func<string, string>? mapName)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                writer.WriteStringValue(map(pointer, value.GetString()!));
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(mapName is null ? property.Name : mapName(property.Name));
                    Write(writer, property.Value, pointer is null ? null : JsonPointer.Append(pointer, property.Name), map, mapName);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Write(writer, item, pointer is null ? null : JsonPointer.Append(pointer, index), map, mapName);
                    index++;
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
