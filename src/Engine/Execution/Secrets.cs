using System.Buffers;
using System.Net;
using System.Text.Json;
using System.Text;
using Microsoft.Extensions.Configuration;
using Serverless.Engine.Definitions;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Execution;

/// <summary>
/// Looks up the value of a <c>${{ secrets.NAME }}</c> token when an <c>http</c> node runs. Values are never stored:
/// the executor resolves them per attempt and redacts them from everything it returns or logs.
/// </summary>
public interface ISecretProvider
{
    /// <summary>The value of secret <paramref name="name"/>, or null when there is none.</summary>
    ValueTask<string?> GetSecretAsync(string name, CancellationToken cancellationToken);
}

/// <summary>
/// The default <see cref="ISecretProvider"/>: reads configuration key <c>Secrets:NAME</c> (app setting or environment
/// variable <c>Secrets__NAME</c>; in Azure a Key Vault reference fills it). Only that section is readable, so a
/// workflow cannot read other settings such as storage connection strings.
/// </summary>
internal sealed class ConfigurationSecretProvider(IConfiguration? configuration) : ISecretProvider
{
    /// <summary>The configuration section secrets live in.</summary>
    public const string Section = "Secrets";

    public ValueTask<string?> GetSecretAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(configuration?[$"{Section}:{name}"]);
}

/// <summary>
/// The secrets of one http attempt: the definition's own references in the evaluated request (the decider reports
/// where they stand, see <see cref="SecretReference"/>) with their values. Only those places are resolved; no text is
/// scanned for tokens, so a <c>${{ secrets.NAME }}</c> spelled by input, a node output or an event is sent as written.
/// </summary>
internal sealed class RequestSecrets
{
    // Absolute pointer of a string → its references, the last first, so replacing one keeps the others' offsets.
    private readonly Dictionary<string, SecretReference[]> _strings;
    private readonly IReadOnlyDictionary<string, string> _values;

    private RequestSecrets(Dictionary<string, SecretReference[]> strings, IReadOnlyDictionary<string, string> values)
    {
        _strings = strings;
        _values = values;
    }

    /// <summary>No secrets: everything resolves to itself.</summary>
    public static RequestSecrets None { get; } = new([], new Dictionary<string, string>());

    /// <summary>
    /// Checks <paramref name="references"/> against <paramref name="request"/> (the request at <paramref name="pointer"/>):
    /// each must name one string of it that holds its token at its offset, without overlapping another.
    /// <paramref name="values"/> holds the value of every secret they name; <paramref name="problem"/> says why the
    /// references do not fit the request (a command this version did not write).
    /// </summary>
    public static bool TryCreate(
        JsonElement request,
        string pointer,
        IReadOnlyList<SecretReference> references,
        IReadOnlyDictionary<string, string> values,
        out RequestSecrets secrets,
        out string problem)
    {
        secrets = None;
        problem = "";
        if (references.Count == 0)
        {
            return true;
        }

        var strings = references
            .GroupBy(r => pointer + r.Pointer, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.Offset).ToArray(), StringComparer.Ordinal);
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!TryFind(request, pointer, strings, found, ref problem))
        {
            return false;
        }

        foreach (var (at, list) in strings)
        {
            if (!found.TryGetValue(at, out var text))
            {
                problem = $"a secret reference names {at}, which is not a string of the request";
                return false;
            }

            var end = text.Length;
            foreach (var reference in list)
            {
                var token = SecretReference.Token(reference.Name);
                if (reference.Offset < 0 || reference.Offset + token.Length > end
                    || string.CompareOrdinal(text, reference.Offset, token, 0, token.Length) != 0)
                {
                    problem = $"the secret reference to '{reference.Name}' at {at}, character {reference.Offset}, does not match the request";
                    return false;
                }

                end = reference.Offset;
            }
        }

        secrets = new RequestSecrets(strings, values);
        return true;
    }

    /// <summary>Whether the string at <paramref name="pointer"/> holds a secret.</summary>
    public bool Holds(string pointer) => _strings.ContainsKey(pointer);

    /// <summary>The string at <paramref name="pointer"/>, <paramref name="text"/>, with its references replaced by their values.</summary>
    public string Resolve(string pointer, string text)
    {
        if (!_strings.TryGetValue(pointer, out var references))
        {
            return text;
        }

        var resolved = new StringBuilder(text);
        foreach (var reference in references)
        {
            resolved.Remove(reference.Offset, SecretReference.Token(reference.Name).Length).Insert(reference.Offset, _values[reference.Name]);
        }

        return resolved.ToString();
    }

    /// <summary>The value at <paramref name="pointer"/> with every string below it resolved.</summary>
    public JsonElement Resolve(string pointer, JsonElement value) =>
        _strings.Keys.Any(at => IsWithin(at, pointer)) ? JsonRewriter.MapStrings(value, pointer, Resolve) : value;

    private static bool IsWithin(string at, string pointer) =>
        at.Length == pointer.Length ? at == pointer : at.StartsWith(pointer + "/", StringComparison.Ordinal);

    // Collects the text of each string the references name; a pointer met twice (duplicate names) is refused.
    private static bool TryFind(
        JsonElement value, string pointer, Dictionary<string, SecretReference[]> wanted, Dictionary<string, string> found, ref string problem)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String when wanted.ContainsKey(pointer):
                if (!found.TryAdd(pointer, value.GetString()!))
                {
                    problem = $"the request has two values at {pointer}";
                    return false;
                }

                return true;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (!TryFind(property.Value, JsonPointer.Append(pointer, property.Name), wanted, found, ref problem))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (!TryFind(item, JsonPointer.Append(pointer, index), wanted, found, ref problem))
                    {
                        return false;
                    }

                    index++;
                }

                return true;
            default:
                return true;
        }
    }
}

/// <summary>
/// Replaces every resolved secret value (and its URL- and JSON-escaped forms) with <c>***</c>. One per attempt;
/// everything an executor returns or logs passes through it.
/// </summary>
internal sealed class SecretRedactor
{
    public const string Mask = "***";

    private readonly List<string> _forms = [];

    public bool IsEmpty => _forms.Count == 0;

    /// <summary>Registers <paramref name="value"/> as secret (empty values are ignored).</summary>
    public void Add(string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        // The value as sent (raw, or escaped by a query, a form or System.Uri), each also as a JSON string holds it
        // (an echoing server, or an error body that quotes the request), and as JSON inside JSON.
        foreach (var sent in new[] { value, Uri.EscapeDataString(value), WebUtility.UrlEncode(value), PathEscaped(value) })
        {
            var json = JsonEncodedText.Encode(sent).ToString();
            foreach (var form in new[] { sent, json, JsonEncodedText.Encode(json).ToString() })
            {
                if (!_forms.Contains(form, StringComparer.Ordinal))
                {
                    _forms.Add(form);
                }
            }
        }

        // Longest first, so a value that contains another secret is masked whole.
        _forms.Sort((a, b) => b.Length.CompareTo(a.Length));
    }

    // How a value looks inside a URL path or query after System.Uri escaped only what it must (spaces, quotes, ...).
    private static string PathEscaped(string value) =>
        Uri.TryCreate("http://h/" + value, UriKind.Absolute, out var uri) ? uri.PathAndQuery[1..] : value;

    public string Redact(string text)
    {
        foreach (var form in _forms)
        {
            text = text.Replace(form, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    public JsonElement Redact(JsonElement value) => IsEmpty ? value : JsonRewriter.MapStrings(value, Redact, mapNames: true);

    public WorkflowError Redact(WorkflowError error) => IsEmpty
        ? error
        : new WorkflowError(error.Type, Redact(error.Message), error.Details is { } details ? Redact(details) : null);
}

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
