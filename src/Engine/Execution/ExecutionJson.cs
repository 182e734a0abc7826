using System.Buffers;
using System.Text.Json;

namespace Serverless.Engine.Execution;

/// <summary>Small helpers to build outputs and error details as <see cref="JsonElement"/>s.</summary>
internal static class ExecutionJson
{
    /// <summary>Writes one JSON object with <paramref name="write"/> and returns it.</summary>
    public static JsonElement Object(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Parse(buffer.WrittenMemory);
    }

    /// <summary>Parses <paramref name="utf8"/> into a standalone element.</summary>
    public static JsonElement Parse(ReadOnlyMemory<byte> utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        return document.RootElement.Clone();
    }
}
