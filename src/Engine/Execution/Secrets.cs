using System.Buffers;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

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

/// <summary>Finds and replaces <c>${{ secrets.NAME }}</c> tokens in request strings.</summary>
internal static partial class SecretTokens
{
    [GeneratedRegex(@"\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Token();

    /// <summary>Adds the names of the secrets <paramref name="value"/> uses (strings anywhere in it) to <paramref name="names"/>.</summary>
    public static void CollectNames(JsonElement value, HashSet<string> names)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                foreach (Match match in Token().Matches(value.GetString()!))
                {
                    names.Add(match.Groups[1].Value);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    CollectNames(property.Value, names);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    CollectNames(item, names);
                }

                break;
            default:
                break;
        }
    }

    /// <summary>Replaces each token in <paramref name="text"/> with its value from <paramref name="values"/>.</summary>
    public static string Resolve(string text, IReadOnlyDictionary<string, string> values) =>
        values.Count == 0 || !text.Contains("${{", StringComparison.Ordinal)
            ? text
            : Token().Replace(text, m => values[m.Groups[1].Value]);

    /// <summary>Replaces tokens in every string of <paramref name="value"/>.</summary>
    public static JsonElement Resolve(JsonElement value, IReadOnlyDictionary<string, string> values) =>
        values.Count == 0 ? value : JsonRewriter.MapStrings(value, s => Resolve(s, values));
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
    public static JsonElement MapStrings(JsonElement value, Func<string, string> map, bool mapNames = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value, map, mapNames);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement value, Func<string, string> map, bool mapNames)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                writer.WriteStringValue(map(value.GetString()!));
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(mapNames ? map(property.Name) : property.Name);
                    Write(writer, property.Value, map, mapNames);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    Write(writer, item, map, mapNames);
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
