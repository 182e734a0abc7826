using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Execution;

/// <summary>
/// The evaluated request of an <c>http</c> node, with secrets resolved, checked once and turned into a fresh
/// <see cref="HttpRequestMessage"/> per hop (redirects re-send it).
/// </summary>
internal sealed class HttpRequestPlan
{
    private readonly List<(string Name, string[] Values, bool Sensitive)> _headers;
    private readonly byte[]? _content;
    private readonly string? _contentType;
    private readonly List<(string Name, string Value)> _contentHeaders;

    private HttpRequestPlan(
        HttpMethod method,
        Uri uri,
        List<(string Name, string[] Values, bool Sensitive)> headers,
        byte[]? content,
        string? contentType,
        List<(string Name, string Value)> contentHeaders)
    {
        Method = method;
        Uri = uri;
        _headers = headers;
        _content = content;
        _contentType = contentType;
        _contentHeaders = contentHeaders;
    }

    /// <summary>Sent when the request sets no User-Agent (some APIs refuse requests without one).</summary>
    public const string UserAgent = "serverless-workflows/1";

    public HttpMethod Method { get; }

    public Uri Uri { get; }

    /// <summary>
    /// Checks and builds the request from the evaluated <c>{method, url, headers?, query?, body?}</c>. Messages
    /// quote the request as written (tokens intact), never resolved secret values.
    /// </summary>
    public static bool TryCreate(
        JsonElement request,
        string pointer,
        RequestSecrets secrets,
        out HttpRequestPlan plan,
        out WorkflowError error)
    {
        plan = null!;
        error = null!;
        if (request.ValueKind != JsonValueKind.Object)
        {
            error = Invalid(pointer, $"the request must be an object {{method, url, headers?, query?, body?}}; it is {Kind(request)}");
            return false;
        }

        // method
        if (!request.TryGetProperty("method", out var methodValue) || methodValue.ValueKind != JsonValueKind.String)
        {
            error = Invalid($"{pointer}/method", "the request needs a 'method' string such as GET or POST");
            return false;
        }

        var methodText = secrets.Resolve($"{pointer}/method", methodValue.GetString()!).Trim().ToUpperInvariant();
        if (methodText.Length == 0 || !methodText.All(c => c is >= 'A' and <= 'Z' or '-' or '_'))
        {
            error = Invalid($"{pointer}/method", $"'{methodValue.GetString()}' is not an HTTP method");
            return false;
        }

        // url and query
        if (!request.TryGetProperty("url", out var urlValue) || urlValue.ValueKind != JsonValueKind.String)
        {
            error = Invalid($"{pointer}/url", "the request needs a 'url' string");
            return false;
        }

        var urlText = secrets.Resolve($"{pointer}/url", urlValue.GetString()!);
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            error = Invalid($"{pointer}/url", $"'{urlValue.GetString()}' is not an absolute http or https URL");
            return false;
        }

        if (request.TryGetProperty("query", out var query) && query.ValueKind != JsonValueKind.Null)
        {
            if (!TryReadPairs(query, $"{pointer}/query", secrets, out var pairs, out error))
            {
                return false;
            }

            uri = MergeQuery(uri, pairs);
        }

        // headers
        var headers = new List<(string Name, string[] Values, bool Sensitive)>();
        string? contentType = null;
        var contentHeaders = new List<(string Name, string Value)>();
        if (request.TryGetProperty("headers", out var headerValues) && headerValues.ValueKind != JsonValueKind.Null)
        {
            if (!TryReadPairs(headerValues, $"{pointer}/headers", secrets, out var pairs, out error))
            {
                return false;
            }

            foreach (var group in pairs.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
            {
                var name = group.Key;
                var values = group.Select(p => p.Value).ToArray();
                if (values.Any(v => v.Contains('\r', StringComparison.Ordinal) || v.Contains('\n', StringComparison.Ordinal)))
                {
                    error = Invalid(JsonPointer.Append($"{pointer}/headers", name), $"header '{name}' holds a line break");
                    return false;
                }

                if (values.Any(v => v.Any(c => c > 127)))
                {
                    error = Invalid(JsonPointer.Append($"{pointer}/headers", name), $"header '{name}' holds non-ASCII characters; encode the value (e.g. with encodeURIComponent)");
                    return false;
                }

                if (!IsToken(name))
                {
                    error = Invalid(JsonPointer.Append($"{pointer}/headers", name), $"'{name}' is not a valid header name");
                    return false;
                }

                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    contentType = values[^1];
                }
                else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    // Computed from the body.
                }
                else if (IsContentHeader(name))
                {
                    contentHeaders.AddRange(values.Select(v => (name, v)));
                }
                else
                {
                    var sensitive = group.Any(p => p.UsesSecret) || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
                        || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase);
                    headers.Add((name, values, sensitive));
                }
            }
        }

        // body
        byte[]? content = null;
        if (request.TryGetProperty("body", out var body) && body.ValueKind != JsonValueKind.Null)
        {
            var resolved = secrets.Resolve($"{pointer}/body", body);
            var mediaType = contentType is null ? null : MediaType(contentType);
            if (resolved.ValueKind == JsonValueKind.String && (mediaType is null || !IsJson(mediaType)))
            {
                content = Encoding.UTF8.GetBytes(resolved.GetString()!);
                contentType ??= "text/plain; charset=utf-8";
            }
            else if (resolved.ValueKind == JsonValueKind.Object && mediaType == "application/x-www-form-urlencoded")
            {
                if (!TryReadPairs(resolved, $"{pointer}/body", RequestSecrets.None, out var pairs, out error))
                {
                    return false;
                }

                content = Encoding.UTF8.GetBytes(string.Join('&', pairs.Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value)}")));
            }
            else
            {
                content = JsonSerializer.SerializeToUtf8Bytes(resolved);
                contentType ??= "application/json; charset=utf-8";
            }
        }

        plan = new HttpRequestPlan(new HttpMethod(methodText), uri, headers, content, contentType, contentHeaders);
        return true;
    }

    /// <summary>A fresh message for one hop.</summary>
    /// <param name="uri">The hop's URL.</param>
    /// <param name="method">The hop's method (a 303 turns it into GET).</param>
    /// <param name="withBody">Whether the body is sent (dropped when a redirect turns the method into GET).</param>
    /// <param name="crossOrigin">Whether the hop left the original origin: headers holding secrets, Authorization and Cookie are dropped.</param>
    public HttpRequestMessage CreateMessage(Uri uri, HttpMethod method, bool withBody, bool crossOrigin)
    {
        var message = new HttpRequestMessage(method, uri);
        foreach (var (name, values, sensitive) in _headers)
        {
            if (crossOrigin && sensitive)
            {
                continue;
            }

            message.Headers.TryAddWithoutValidation(name, values);
        }

        if (!message.Headers.Contains("User-Agent"))
        {
            message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        }

        if (withBody && _content is not null)
        {
            var content = new ByteArrayContent(_content);
            content.Headers.TryAddWithoutValidation("Content-Type", _contentType);
            foreach (var (name, value) in _contentHeaders)
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }

            message.Content = content;
        }

        return message;
    }

    /// <summary>Sets a header (the idempotency key, a bearer token), replacing any the request set itself.</summary>
    public void SetHeader(string name, string value, bool sensitive)
    {
        _headers.RemoveAll(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        _headers.Add((name, [value], sensitive));
    }

    internal static Uri MergeQuery(Uri uri, IEnumerable<(string Name, string Value, bool UsesSecret)> pairs)
    {
        var encoded = string.Join('&', pairs.Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value)}"));
        if (encoded.Length == 0)
        {
            return uri;
        }

        var builder = new UriBuilder(uri);
        var existing = builder.Query.TrimStart('?');
        builder.Query = existing.Length == 0 ? encoded : $"{existing}&{encoded}";
        return builder.Uri;
    }

    private static bool TryReadPairs(
        JsonElement value,
        string pointer,
        RequestSecrets secrets,
        out List<(string Name, string Value, bool UsesSecret)> pairs,
        out WorkflowError error)
    {
        pairs = [];
        error = null!;
        if (value.ValueKind != JsonValueKind.Object)
        {
            error = Invalid(pointer, $"must be an object of names to values; it is {Kind(value)}");
            return false;
        }

        foreach (var property in value.EnumerateObject())
        {
            var propertyPointer = JsonPointer.Append(pointer, property.Name);
            var items = property.Value.ValueKind == JsonValueKind.Array
                ? property.Value.EnumerateArray().Select((item, index) => (item, JsonPointer.Append(propertyPointer, index))).ToList()
                : [(property.Value, propertyPointer)];
            foreach (var (item, itemPointer) in items)
            {
                string? text = item.ValueKind switch
                {
                    JsonValueKind.String => item.GetString(),
                    JsonValueKind.Number => item.GetRawText(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => null,
                };
                if (item.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                if (text is null)
                {
                    error = Invalid(itemPointer, $"'{property.Name}' must be a string, number, boolean or an array of them; it is {Kind(item)}");
                    return false;
                }

                pairs.Add((property.Name, secrets.Resolve(itemPointer, text), secrets.Holds(itemPointer)));
            }
        }

        return true;
    }

    private static bool IsContentHeader(string name) =>
        name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Expires", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Last-Modified", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Allow", StringComparison.OrdinalIgnoreCase);

    private static bool IsToken(string name) =>
        name.Length > 0 && name.All(c => c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".IndexOf(c, StringComparison.Ordinal) < 0);

    internal static string? MediaType(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType?.ToLowerInvariant() : null;

    internal static bool IsJson(string mediaType) =>
        mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal) || mediaType == "text/json";

    private static string Kind(JsonElement value) => value.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture);

    private static WorkflowError Invalid(string pointer, string message) =>
        new(ErrorTypes.ValidationError, $"{pointer}: {message}", ExecutionJson.Object(w => w.WriteString("path", pointer)));
}
