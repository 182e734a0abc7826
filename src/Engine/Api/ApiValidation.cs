using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Api;

/// <summary>Validation of route values, query parameters and JSON bodies, shared by both hosts.</summary>
internal static partial class ApiValidation
{
    /// <summary>Longest instance id a client may choose.</summary>
    public const int MaxInstanceIdLength = 256;

    /// <summary>Longest event name.</summary>
    public const int MaxEventNameLength = 128;

    // U+0000 to U+001F and U+007F to U+009F: char.IsControl.
    private static readonly SearchValues<char> ControlCharacters = SearchValues.Create(
        [.. Enumerable.Range(0, 0xA0).Select(c => (char)c).Where(char.IsControl)]);

    /// <summary>Checks a workflow name against <c>[a-z0-9-]{1,63}</c>.</summary>
    public static ApiError? CheckWorkflowName(string name)
        => name is not null && WorkflowName().IsMatch(name)
            ? null
            : ApiError.Invalid("/name", $"Workflow name '{Shorten(name)}' is invalid: use 1 to 63 characters from a-z, 0-9 and '-'.");

    /// <summary>Checks a client-chosen instance id: 1 to 256 characters, no '/', '\\', '#', '?' and no control characters.</summary>
    public static ApiError? CheckInstanceId(string? id, string parameter = "instanceId")
    {
        if (!IsInstanceId(id, MaxInstanceIdLength))
        {
            return ApiError.Invalid(parameter, $"Instance id '{Shorten(id)}' is invalid: use 1 to {MaxInstanceIdLength} characters without '/', '\\', '#', '?' or control characters.");
        }

        return null;
    }

    /// <summary>
    /// False for ids no instance can have (storage keys refuse '/', '\', '#', '?' and control characters), so routes
    /// answer 404 for them instead of reaching storage. Child ids are longer than client ids, hence the wider bound.
    /// </summary>
    public static bool IsPossibleInstanceId(string? id) => IsInstanceId(id, 4 * MaxInstanceIdLength);

    /// <summary>The one instance-id rule: 1 to <paramref name="maxLength"/> characters, none a storage key refuses.</summary>
    private static bool IsInstanceId([NotNullWhen(true)] string? id, int maxLength)
        => !string.IsNullOrEmpty(id) && id.Length <= maxLength && !id.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    /// <summary>Checks an event name: 1 to 128 characters, no control characters.</summary>
    public static ApiError? CheckEventName(string? name)
        => string.IsNullOrEmpty(name) || name.Length > MaxEventNameLength || name.Any(char.IsControl)
            ? ApiError.Invalid("eventName", $"Event name '{Shorten(name)}' is invalid: use 1 to {MaxEventNameLength} printable characters.")
            : null;

    /// <summary>Parses an optional version query value (a positive integer).</summary>
    public static ApiError? TryParseVersion(string? text, out int? version)
    {
        version = null;
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1)
        {
            version = value;
            return null;
        }

        return ApiError.Invalid("version", $"Version '{Shorten(text)}' is invalid: use a positive integer.");
    }

    /// <summary>
    /// Parses a JSON body already read within the size limit. An empty body is JSON <c>null</c> (Durable clients start
    /// instances without a body); a leading UTF-8 byte order mark is skipped (RFC 8259 lets a parser ignore one).
    /// Refused with 400: text that is not JSON (<see cref="ApiErrorTypes.InvalidJson"/>, with line and position), and
    /// JSON that parses but cannot be read as data (<see cref="ApiErrorTypes.ValidationError"/>, with the JSON pointer):
    /// a string or property name that is not valid UTF-8 or escapes a lone UTF-16 surrogate, a number beyond the range
    /// of a double.
    /// </summary>
    public static ApiError? TryParseJsonBody(ReadOnlyMemory<byte> body, out JsonElement value)
    {
        value = default;
        var bom = body.Span.StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
        var json = body[bom..];
        if (json.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            value = JsonValues.Null;
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            if (CheckText(document.RootElement, string.Empty, json.Span, bom) is { } textError)
            {
                return textError;
            }

            value = document.RootElement.Clone();
            return null;
        }
        catch (JsonException ex)
        {
            return ApiError.InvalidJson(ex);
        }
    }

    /// <summary>
    /// Checks a route value (a workflow name, instance id, event name or version in the path) for control characters:
    /// no name or id has one, so such a value is a broken request (400 naming <paramref name="parameter"/>) rather than
    /// a resource that might exist.
    /// </summary>
    public static ApiError? CheckRouteValue(string? value, string parameter)
    {
        var index = value is null ? -1 : value.AsSpan().IndexOfAny(ControlCharacters);
        return index < 0
            ? null
            : ApiError.Invalid(
                parameter,
                $"The route value '{parameter}' has a control character (U+{(int)value![index]:X4} at character {index + 1}); no name, id or version has one.");
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    // JSON text the parser accepts but no reader of it can use: a string or property name that is not valid UTF-8
    // (System.Text.Json checks UTF-8 only when a string is read) or escapes a lone UTF-16 surrogate ("\ud800", which
    // .NET cannot turn into a string), and a number beyond the range of a double (1e400). Each is refused here, with its
    // JSON pointer, before anything reads the document. Outside strings every byte of parsed JSON is ASCII, and the walk
    // goes in document order, so the first bad string holds the body's first byte that is not UTF-8.
    private static ApiError? CheckText(JsonElement element, string pointer, ReadOnlySpan<byte> json, int offset)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return !Utf8.IsValid(JsonMarshal.GetRawUtf8Value(element)) ? NotUtf8(pointer, json, offset)
                    : IsReadableString(element) ? null
                    : LoneSurrogate(pointer);
            case JsonValueKind.Number:
                return element.TryGetDouble(out var number) && double.IsFinite(number)
                    ? null
                    : ApiError.Invalid(pointer, $"The number at '{pointer}' is beyond the range of a 64-bit floating-point number.");
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (CheckText(item, JsonPointer.Append(pointer, index++), json, offset) is { } itemError)
                    {
                        return itemError;
                    }
                }

                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!Utf8.IsValid(JsonMarshal.GetRawUtf8PropertyName(property)))
                    {
                        return NotUtf8(pointer, json, offset);
                    }

                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return LoneSurrogate(pointer);
                    }

                    if (CheckText(property.Value, JsonPointer.Append(pointer, name), json, offset) is { } propertyError)
                    {
                        return propertyError;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool IsReadableString(JsonElement element)
    {
        try
        {
            _ = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static ApiError LoneSurrogate(string pointer)
        => ApiError.Invalid(pointer, $"The text at '{pointer}' escapes a lone UTF-16 surrogate (such as \\ud800), which is not a character; JSON text must be valid Unicode.");

    private static ApiError NotUtf8(string pointer, ReadOnlySpan<byte> json, int offset)
    {
        var at = 0;
        while (Rune.DecodeFromUtf8(json[at..], out _, out var consumed) == OperationStatus.Done)
        {
            at += consumed;
        }

        return ApiError.Invalid(
            pointer,
            $"The text at '{pointer}' is not valid UTF-8: the byte at offset {offset + at} of the body (0x{json[at]:X2}) does not begin or continue a character; JSON text must be UTF-8.");
    }

    /// <summary>Shortens a user value for an error message.</summary>
    public static string Shorten(string? value) => value is null ? string.Empty : value.Length <= 80 ? value : value[..80] + "...";

    [GeneratedRegex("^[a-z0-9-]{1,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex WorkflowName();
}
