using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Serverless.HttpApi;

/// <summary>Reading what a request carries: a bounded body and single query values.</summary>
internal static class RequestBodies
{
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
