using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Serverless.Engine.Api;

namespace Serverless.HttpApi;

/// <summary>Reading what a request carries: a bounded body and single query values.</summary>
internal static class RequestBodies
{
    /// <summary>
    /// Reads a JSON body, every route the same way: a <c>Content-Type</c> declaring a charset other than UTF-8 answers
    /// 415 (the media type itself is not checked: curl and Durable clients send JSON under other types), a body the
    /// server cannot decode 400, a body over <paramref name="limit"/> 413 unread, and a body that is not UTF-8 JSON 400
    /// (<see cref="ApiValidation.TryParseJsonBody"/>).
    /// </summary>
    public static async Task<JsonBody> ReadJsonAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            && HeaderUtilities.RemoveQuotes(mediaType.Charset).ToString() is { Length: > 0 } charset
            && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return new JsonBody(default, ApiError.UnsupportedCharset(charset));
        }

        byte[]? body;
        try
        {
            body = await ReadAsync(request, limit, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode != StatusCodes.Status413PayloadTooLarge)
        {
            // A body the server cannot decode (a broken chunk, a body cut short): the client's fault, said as the server says it.
            return new JsonBody(default, new ApiError(ex.StatusCode, ApiErrorTypes.BadRequest, $"The request body cannot be read: {ex.Message}"));
        }

        if (body is null)
        {
            return new JsonBody(default, ApiError.TooLarge(limit));
        }

        return ApiValidation.TryParseJsonBody(body, out var value) is { } error ? new JsonBody(default, error) : new JsonBody(value, null);
    }

    /// <summary>
    /// Reads the whole body if it is at most <paramref name="limit"/> bytes; null means it is larger (answer 413). A
    /// declared <c>Content-Length</c> over the limit is refused before reading, and an undeclared body is refused as
    /// soon as the buffered part passes the limit: the rest is never read.
    /// </summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is { } length && length > limit)
        {
            return null;
        }

        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            if (result.Buffer.Length > limit)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                return null;
            }

            if (result.IsCompleted)
            {
                var bytes = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return bytes;
            }

            // Nothing consumed, everything examined: the next read returns the buffer grown by what arrived.
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>A query parameter's value, or null when it is absent (an empty value stays empty).</summary>
    public static string? Query(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Query.TryGetValue(name, out var value) ? value.ToString() : null;
    }
}
