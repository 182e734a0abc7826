using System.Net;
using System.Text.Json;

namespace Serverless.Engine.Execution;

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
