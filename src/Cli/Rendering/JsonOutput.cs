using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;

namespace Serverless.Cli.Rendering;

/// <summary>
/// Writes JSON and plain lines to a console's writer as they are: Spectre's text rendering would wrap them at the
/// console's width, and a script reading <c>-o json</c> needs the bytes unbroken.
/// </summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One JSON document, indented.</summary>
    public static void Write(IAnsiConsole console, JsonElement value)
        => Line(console, value.ValueKind == JsonValueKind.Undefined ? "null" : JsonSerializer.Serialize(value, Indented));

    /// <summary>One JSON document, indented.</summary>
    public static void Write<T>(IAnsiConsole console, T value) => Line(console, JsonSerializer.Serialize(value, Indented));

    /// <summary>One JSON value on one line (for <c>-o jsonl</c>).</summary>
    public static void WriteLine(IAnsiConsole console, JsonElement value)
        => Line(console, value.ValueKind == JsonValueKind.Undefined ? "null" : JsonSerializer.Serialize(value, Compact));

    /// <summary>A line of text, unwrapped.</summary>
    public static void Line(IAnsiConsole console, string text)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.Profile.Out.Writer.WriteLine(text);
        console.Profile.Out.Writer.Flush();
    }
}
